using System.Net;
using System.Text.RegularExpressions;
using Hangfire;
using Jobs.Engine.Client;
using Jobs.Engine.Diagnostics;
using Jobs.Engine.States;
using Jobs.Operators;
using Jobs.Testing;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Jobs.Dashboard.Tests;

/// <summary>
/// The real Hangfire Dashboard at /hangfire, behind the host's sign-in and roles, over engine jobs: a
/// worker server on the same schema makes real dead jobs (diag.fail), and the dashboard host is
/// driven over HTTP with the tokens its pages hand out, as Hangfire's own script sends them.
/// </summary>
public sealed partial class HangfireDashboardTests : IAsyncLifetime
{
    private const string Password = "hangfire-page-password";
    private TestSchema _schema = null!;
    private WebApplicationFactory<Program> _factory = null!;
    private TestEngine _worker = null!;

    public async Task InitializeAsync()
    {
        _schema = await TestSchema.CreateAsync(migrate: false);
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("ConnectionStrings:Jobs", TestDatabase.ConnectionString);
            web.UseSetting("Jobs:Schema", _schema.Name);
            web.UseSetting("App:Schema", _schema.AppSchema);
            web.UseSetting("App:Webhooks:SecretKey", TestKeys.WebhookSecretKey);
            web.UseSetting("Dashboard:SecureCookies", "false");
        });
        _ = _factory.Server; // starts the host, which migrates the schema
        _worker = await TestEngine.StartAsync(_schema, jobs => jobs.AddDiagnosticJobs());
        await CreateAsync("olga", OperatorRole.Operator);
        await CreateAsync("vera", OperatorRole.Viewer);
    }

    public async Task DisposeAsync()
    {
        await _worker.DisposeAsync();
        await _factory.DisposeAsync();
        await _schema.DisposeAsync();
    }

    private T Service<T>() where T : notnull => _factory.Services.GetRequiredService<T>();

    private async Task CreateAsync(string username, OperatorRole role) =>
        await Service<OperatorAccounts>().CreateAsync(username, Service<IPasswordHasher<OperatorAccount>>().HashPassword(null!, Password), role, "test");

    private HttpClient Client() => _factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    private async Task<HttpClient> SignedInAsync(string username)
    {
        var client = Client();
        Assert.Equal(HttpStatusCode.Redirect, (await DashboardForms.SignInAsync(client, username, Password)).StatusCode);
        return client;
    }

    /// <summary>A job that failed for real on the worker: dead, with its error and stack trace.</summary>
    private async Task<long> DeadJobAsync(string message)
    {
        var job = await _worker.Client.EnqueueAsync(new FailArgs(message, Permanent: true));
        await Eventually.ReturnsAsync(() => _worker.Client.GetAsync(job.Id), j => j!.State == JobState.Dead, $"job {job.Id} to die");
        return job.Id;
    }

    [GeneratedRegex("<meta name=\"csrf-token\" content=\"([^\"]+)\">")]
    private static partial Regex CsrfToken();

    /// <summary>A Hangfire command as its script posts it: the page's token in the antiforgery header.</summary>
    private static async Task<HttpResponseMessage> CommandAsync(HttpClient client, string page, string command, params string[] jobIds)
    {
        var html = await client.GetStringAsync(page);
        var token = WebUtility.HtmlDecode(CsrfToken().Match(html).Groups[1].Value);
        using var request = new HttpRequestMessage(HttpMethod.Post, command)
        {
            Content = new FormUrlEncodedContent(jobIds.Select(id => new KeyValuePair<string, string>("jobs[]", id))),
        };
        request.Headers.Add("RequestVerificationToken", token);
        return await client.SendAsync(request);
    }

    [Fact]
    public async Task Anonymous_visitors_are_sent_to_sign_in_and_their_posts_change_nothing()
    {
        var id = await DeadJobAsync("anonymous");
        using var anonymous = Client();

        foreach (var page in new[] { "/hangfire", "/hangfire/jobs/failed", $"/hangfire/jobs/details/{id}" })
        {
            var response = await anonymous.GetAsync(page);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.StartsWith("/login?ReturnUrl=", response.Headers.Location!.OriginalString);
        }
        var post = await anonymous.PostAsync("/hangfire/jobs/failed/requeue", new FormUrlEncodedContent([new("jobs[]", id.ToString())]));
        Assert.NotEqual(HttpStatusCode.NoContent, post.StatusCode);
        Assert.Equal(JobState.Dead, (await Service<IJobClient>().GetAsync(id))!.State);
    }

    [Fact]
    public async Task A_viewer_reads_the_failed_page_without_buttons_and_a_forged_requeue_gets_403()
    {
        var id = await DeadJobAsync("viewer reads this");
        using var viewer = await SignedInAsync("vera");

        var failed = await viewer.GetStringAsync("/hangfire/jobs/failed");
        Assert.Contains($"/hangfire/jobs/details/{id}", failed);
        Assert.Contains("diag.fail", failed);
        Assert.DoesNotContain("/hangfire/jobs/failed/requeue", failed);
        Assert.DoesNotContain("js-jobs-list-command", failed);
        Assert.DoesNotContain("/jobs/actions/requeue/", await viewer.GetStringAsync($"/hangfire/jobs/details/{id}"));

        var forged = await CommandAsync(viewer, "/hangfire/jobs/failed", "/hangfire/jobs/failed/requeue", id.ToString());
        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        var forgedSingle = await CommandAsync(viewer, $"/hangfire/jobs/details/{id}", $"/hangfire/jobs/actions/delete/{id}");
        Assert.Equal(HttpStatusCode.Forbidden, forgedSingle.StatusCode);

        Assert.Equal(JobState.Dead, (await Service<IJobClient>().GetAsync(id))!.State);
        Assert.DoesNotContain(await Service<AuditLog>().ListAsync(), e => e.Actor == "vera");
        // The statistics poll is a post that only reads: a viewer's page keeps its counters live.
        var stats = await CommandAsync(viewer, "/hangfire/jobs/failed", "/hangfire/stats");
        Assert.Equal(HttpStatusCode.OK, stats.StatusCode);
    }

    [Fact]
    public async Task An_operator_requeues_a_failed_job_and_the_audit_log_names_them()
    {
        var id = await DeadJobAsync("operator requeues this");
        using var operatorClient = await SignedInAsync("olga");
        Assert.Contains("/hangfire/jobs/failed/requeue", await operatorClient.GetStringAsync("/hangfire/jobs/failed"));

        var requeue = await CommandAsync(operatorClient, "/hangfire/jobs/failed", "/hangfire/jobs/failed/requeue", id.ToString());

        Assert.Equal(HttpStatusCode.NoContent, requeue.StatusCode);
        // Requeued, it runs again on the worker (and, failing permanently again, is dead after a second attempt).
        var again = await Eventually.ReturnsAsync(() => Service<IJobClient>().GetAsync(id), j => j!.Errors.Count == 2, $"job {id} to run again");
        Assert.Equal(2, again!.Attempt);
        var entry = (await Service<AuditLog>().ListAsync()).First(e => e.Action == "jobs.requeue");
        Assert.Equal(("olga", "operator", $"job {id}", 1L), (entry.Actor, entry.ActorKind, entry.Target, entry.JobCount!.Value));
        Assert.Contains("\"hangfire\"", entry.Details);
    }

    [Fact]
    public async Task An_operators_delete_and_trigger_are_audited_under_their_name()
    {
        var scheduled = await _worker.Client.EnqueueAsync(new NoopArgs(), new EnqueueOptions { Delay = TimeSpan.FromHours(1) });
        var name = "report-" + Guid.NewGuid().ToString("N")[..6];
        var storage = Service<JobStorage>();
        new RecurringJobManager(storage).AddOrUpdate(name, () => Console.WriteLine("report"), "0 3 * * *");
        using var operatorClient = await SignedInAsync("olga");

        var delete = await CommandAsync(operatorClient, $"/hangfire/jobs/details/{scheduled.Id}", $"/hangfire/jobs/actions/delete/{scheduled.Id}");
        var trigger = await CommandAsync(operatorClient, "/hangfire/recurring", "/hangfire/recurring/trigger", name);

        Assert.Equal((HttpStatusCode.NoContent, HttpStatusCode.NoContent), (delete.StatusCode, trigger.StatusCode));
        Assert.Equal(JobState.Cancelled, (await Service<IJobClient>().GetAsync(scheduled.Id))!.State);
        Assert.Equal(1, await _schema.ScalarAsync<long>("select count(*) from {s}.job where metadata ->> 'schedule' = @name", new { name }));
        var audit = await Service<AuditLog>().ListAsync();
        Assert.Contains(audit, e => (e.Actor, e.Action, e.Target) == ("olga", "jobs.delete", $"job {scheduled.Id}"));
        Assert.Contains(audit, e => (e.Actor, e.Action, e.Target) == ("olga", "schedules.trigger", $"schedule {name}"));
    }

    [Fact]
    public async Task A_job_page_shows_every_attempts_error_and_stack_trace_and_the_native_kind_with_its_args()
    {
        var job = await _worker.Client.EnqueueAsync(new FailArgs("first try fails"), new EnqueueOptions { MaxAttempts = 2 });
        await Eventually.ReturnsAsync(() => _worker.Client.GetAsync(job.Id), j => j!.State == JobState.Retrying, "a retry");
        await _worker.Client.RequeueAsync(job.Id);
        var dead = await Eventually.ReturnsAsync(() => _worker.Client.GetAsync(job.Id), j => j!.State == JobState.Dead, "death");
        using var viewer = await SignedInAsync("vera");

        var page = WebUtility.HtmlDecode(await viewer.GetStringAsync($"/hangfire/jobs/details/{job.Id}"));

        Assert.Contains("diag.fail", page);
        Assert.Contains("first try fails", page);
        // Two attempts, two Failed cards (the current state's and the first attempt's), then where it started.
        Assert.Equal(2, Regex.Matches(page, @"<h4 class=""state-card-title""[^>]*>[\s\S]*?Failed").Count);
        Assert.Contains("Attempt 1 of 2 failed", page);
        foreach (var error in dead!.Errors)
        {
            Assert.Contains(error.Type, page);
            Assert.Contains(WebUtility.HtmlDecode(error.Stack!.Split('\n')[0].Trim()), page);
        }
    }

    [Fact]
    public async Task Its_pages_carry_the_native_pages_strict_content_security_policy_and_link_back()
    {
        using var viewer = await SignedInAsync("vera");

        var hangfire = await viewer.GetAsync("/hangfire/jobs/failed");
        var native = await viewer.GetAsync("/");

        var policy = hangfire.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Equal(native.Headers.GetValues("Content-Security-Policy").Single(), policy);
        Assert.DoesNotContain("unsafe-inline", policy);
        Assert.Contains("href=\"/\"", await hangfire.Content.ReadAsStringAsync());
        Assert.Contains("href=\"/hangfire\"", await native.Content.ReadAsStringAsync());
    }
}
