using System.Net;
using System.Text.RegularExpressions;
using Jobs.Dashboard.Pages;
using Jobs.Engine.Client;
using Jobs.Engine.Diagnostics;
using Jobs.Engine.States;
using Jobs.Operators;
using Jobs.Testing;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Jobs.Dashboard.Tests;

public sealed partial class OperatorPagesTests : IAsyncLifetime
{
    private const string Password = "page-test-password";
    private TestSchema _schema = null!;
    private WebApplicationFactory<Program> _factory = null!;

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
            web.UseSetting("Dashboard:MaxFailedLogins", "3");
        });
        _ = _factory.Server; // starts the host, which migrates the schema
        await CreateAsync("admin", OperatorRole.Admin);
        await CreateAsync("olga", OperatorRole.Operator);
        await CreateAsync("vera", OperatorRole.Viewer);
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        await _schema.DisposeAsync();
    }

    private T Service<T>() where T : notnull => _factory.Services.GetRequiredService<T>();

    private async Task<long> CreateAsync(string username, OperatorRole role) =>
        await Service<OperatorAccounts>().CreateAsync(username, Service<IPasswordHasher<OperatorAccount>>().HashPassword(null!, Password), role, "test");

    private HttpClient Client() => _factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    private static Task<string> TokenAsync(HttpClient client, string path) => DashboardForms.TokenAsync(client, path);

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string path, string? token, params (string, string)[] fields) =>
        DashboardForms.PostAsync(client, path, token, fields);

    private static Task<HttpResponseMessage> SignInAsync(HttpClient client, string username, string password) =>
        DashboardForms.SignInAsync(client, username, password);

    private async Task<HttpClient> SignedInAsync(string username)
    {
        var client = Client();
        var response = await SignInAsync(client, username, Password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return client;
    }

    private async Task<long> DeadJobAsync()
    {
        var jobs = Service<IJobClient>();
        var job = await jobs.EnqueueAsync(new NoopArgs());
        await jobs.CancelAsync(job.Id);
        return job.Id;
    }

    [Fact]
    public async Task A_viewer_sees_no_action_buttons_and_a_post_anyway_gets_the_403_page_and_changes_nothing()
    {
        var id = await DeadJobAsync();
        using var viewer = await SignedInAsync("vera");

        var page = await viewer.GetStringAsync($"/jobs/{id}");
        Assert.Contains($"Job #{id}", page);
        Assert.DoesNotContain(">Retry<", page);
        Assert.DoesNotContain("handler=Delete", page);

        var post = await PostAsync(viewer, $"/jobs/{id}?handler=Requeue", await TokenAsync(viewer, $"/jobs/{id}"));
        Assert.Equal(HttpStatusCode.Forbidden, post.StatusCode);
        Assert.Contains("Not allowed", await post.Content.ReadAsStringAsync());
        Assert.Equal(JobState.Cancelled, (await Service<IJobClient>().GetAsync(id))!.State);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.GetAsync("/admin/operators")).StatusCode);
    }

    [Fact]
    public async Task An_operator_retries_a_job_and_the_audit_log_shows_who_did_it()
    {
        var id = await DeadJobAsync();
        using var operatorClient = await SignedInAsync("olga");

        var post = await PostAsync(operatorClient, $"/jobs/{id}?handler=Requeue", await TokenAsync(operatorClient, $"/jobs/{id}"));

        Assert.Equal(HttpStatusCode.Redirect, post.StatusCode);
        Assert.Equal(JobState.Available, (await Service<IJobClient>().GetAsync(id))!.State);
        var entry = (await Service<AuditLog>().ListAsync()).First();
        Assert.Equal(("olga", "operator", "jobs.requeue", $"job {id}", 1L), (entry.Actor, entry.ActorKind, entry.Action, entry.Target, entry.JobCount!.Value));
        Assert.Contains("jobs.requeue", await operatorClient.GetStringAsync("/audit"));
    }

    [Fact]
    public async Task A_post_without_the_antiforgery_token_is_refused()
    {
        var id = await DeadJobAsync();
        using var operatorClient = await SignedInAsync("olga");

        var post = await PostAsync(operatorClient, $"/jobs/{id}?handler=Delete", token: null);
        var login = await PostAsync(Client(), "/login", token: null, ("username", "olga"), ("password", Password));

        Assert.Equal(HttpStatusCode.BadRequest, post.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, login.StatusCode);
        Assert.NotNull(await Service<IJobClient>().GetAsync(id));
    }

    [Fact]
    public async Task Failed_logins_lock_the_account_and_every_refusal_reads_the_same()
    {
        using var client = Client();
        var unknown = await (await SignInAsync(client, "nobody", Password)).Content.ReadAsStringAsync();
        for (var i = 0; i < 3; i++)
        {
            var wrong = await SignInAsync(client, "olga", "wrong-password-" + i);
            Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
            Assert.Contains(WebUtility.HtmlEncode(LoginModel.Refused), await wrong.Content.ReadAsStringAsync());
        }

        var locked = await SignInAsync(client, "olga", Password);

        Assert.Contains(WebUtility.HtmlEncode(LoginModel.Refused), unknown);
        Assert.Equal(HttpStatusCode.TooManyRequests, locked.StatusCode);
        Assert.Contains(WebUtility.HtmlEncode(LoginModel.Throttled), await locked.Content.ReadAsStringAsync());
        Assert.NotNull((await Service<OperatorAccounts>().FindAsync("olga"))!.LockedUntil);
        Assert.Contains((await Service<AuditLog>().ListAsync()), e => e.Action == "operators.locked" && e.Target == "olga");
        // Another account is untouched by olga's lock.
        Assert.Equal(HttpStatusCode.Redirect, (await SignInAsync(Client(), "vera", Password)).StatusCode);
    }

    [Fact]
    public async Task A_disabled_account_cannot_sign_in_and_its_open_session_ends_at_once()
    {
        var id = await CreateAsync("dora", OperatorRole.Operator);
        using var session = await SignedInAsync("dora");
        Assert.Equal(HttpStatusCode.OK, (await session.GetAsync("/")).StatusCode);

        using var admin = await SignedInAsync("admin");
        var disable = await PostAsync(admin, "/admin/operators?handler=Disable", await TokenAsync(admin, "/admin/operators"), ("id", id.ToString()));
        Assert.Equal(HttpStatusCode.Redirect, disable.StatusCode);

        var after = await session.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.StartsWith("/login", after.Headers.Location!.OriginalString);
        var again = await SignInAsync(Client(), "dora", Password);
        Assert.Contains(WebUtility.HtmlEncode(LoginModel.Refused), await again.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_admin_creates_an_operator_with_a_generated_password_shown_once_and_it_signs_in()
    {
        using var admin = await SignedInAsync("admin");

        var created = await DashboardForms.PostOnceAsync(admin, "/admin/operators", "/admin/operators?handler=Create",
            ("username", "newbie"), ("role", "viewer"), ("password", ""));
        var shown = created.Headers.Location!.OriginalString;
        var html = await admin.GetStringAsync(shown);
        var password = Regex.Match(html, "id=\"issued-password\">([^<]+)<").Groups[1].Value;

        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        Assert.True(password.Length >= 20, html);
        Assert.Equal(HttpStatusCode.Redirect, (await SignInAsync(Client(), "newbie", password)).StatusCode);
        Assert.Equal(OperatorRole.Viewer, (await Service<OperatorAccounts>().FindAsync("newbie"))!.Role);
        Assert.DoesNotContain(password, await admin.GetStringAsync("/admin/operators"));
        // A reload of the page that showed it shows it no more.
        var reloaded = await admin.GetStringAsync(shown);
        Assert.DoesNotContain(password, reloaded);
        Assert.Contains("shown once already", reloaded);
    }

    [Fact]
    public async Task The_overview_data_needs_a_signed_in_operator_and_counts_estimates_as_such()
    {
        // A JSON endpoint: refused with 401 (no redirect to the sign-in page).
        var anonymous = await Client().GetAsync("/overview/data");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        await DeadJobAsync();
        using var viewer = await SignedInAsync("vera");

        var json = await viewer.GetStringAsync("/overview/data");

        Assert.Contains("\"state\":\"cancelled\",\"jobs\":1,\"exact\":true,\"text\":\"1\"", json);
        Assert.Contains("\"lastHour\":[", json);
    }

    [Fact]
    public async Task The_job_list_keeps_filters_in_the_address_and_pages_with_cursors()
    {
        var jobs = Service<IJobClient>();
        await jobs.EnqueueManyAsync(Enumerable.Range(0, 60).Select(i => JobRequest.Create(new NoopArgs(), new EnqueueOptions { Tags = ["paged"] })).ToList());
        await jobs.EnqueueAsync(new NoopArgs(), new EnqueueOptions { Tags = ["other"] });
        using var viewer = await SignedInAsync("vera");

        var first = await viewer.GetStringAsync("/jobs?tag=paged");
        var next = Regex.Match(first, "href=\"(/jobs\\?tag=paged&amp;cursor=[^\"]+)\" rel=\"next\"").Groups[1].Value;
        var second = await viewer.GetStringAsync(WebUtility.HtmlDecode(next));
        var bad = await viewer.GetAsync("/jobs?state=dead&cursor=bm90LWEtY3Vyc29y");
        var badState = await viewer.GetAsync("/jobs?state=finished");

        Assert.Equal(50, Regex.Matches(first, "data-job=").Count);
        Assert.Equal(10, Regex.Matches(second, "data-job=").Count);
        Assert.DoesNotContain("rel=\"next\"", second);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("Start again from the first page", await bad.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, badState.StatusCode);
        Assert.Contains("&#x27;finished&#x27; is not a state", await badState.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_bulk_action_over_a_filter_previews_the_count_then_acts_on_those_jobs_only()
    {
        var jobs = Service<IJobClient>();
        var tagged = await jobs.EnqueueManyAsync(Enumerable.Range(0, 4).Select(_ => JobRequest.Create(new NoopArgs(), new EnqueueOptions { Tags = ["bulk"] })).ToList());
        var other = await jobs.EnqueueAsync(new NoopArgs());
        using var operatorClient = await SignedInAsync("olga");

        var preview = await operatorClient.GetStringAsync("/jobs/bulk?action=cancel&tag=bulk");
        var everything = await operatorClient.GetAsync("/jobs/bulk?action=delete");
        var until = Regex.Match(preview, "name=\"until\" value=\"([^\"]+)\"").Groups[1].Value;
        var done = await PostAsync(operatorClient, "/jobs/bulk", DashboardForms.TokenIn(preview),
            ("action", "cancel"), ("tag", "bulk"), ("until", WebUtility.HtmlDecode(until)));

        Assert.Contains("data-preview-count=\"4\"", preview);
        Assert.Equal(HttpStatusCode.BadRequest, everything.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        foreach (var job in tagged)
        {
            Assert.Equal(JobState.Cancelled, (await jobs.GetAsync(job.Id))!.State);
        }
        Assert.Equal(JobState.Available, (await jobs.GetAsync(other.Id))!.State);
        var entry = (await Service<AuditLog>().ListAsync()).First();
        Assert.Equal(("jobs.cancel_many", 4L), (entry.Action, entry.JobCount!.Value));
    }

    [Fact]
    public async Task Ticked_jobs_are_cancelled_together_and_the_others_are_left_alone()
    {
        var jobs = Service<IJobClient>();
        var made = await jobs.EnqueueManyAsync(Enumerable.Range(0, 3).Select(_ => JobRequest.Create(new NoopArgs(), new EnqueueOptions { Tags = ["tick"] })).ToList());
        using var operatorClient = await SignedInAsync("olga");

        var token = await TokenAsync(operatorClient, "/jobs?tag=tick");
        var preview = await PostAsync(operatorClient, "/jobs?tag=tick&handler=Selected", token,
            ("action", "cancel"), ("ids", made[0].Id.ToString()), ("ids", made[2].Id.ToString()));
        var previewHtml = await preview.Content.ReadAsStringAsync();
        var untouched = await Task.WhenAll(made.Select(async j => (await jobs.GetAsync(j.Id))!.State));
        var post = await PostAsync(operatorClient, "/jobs?tag=tick&handler=Selected", token,
            ("action", "cancel"), ("confirm", "yes"), ("ids", made[0].Id.ToString()), ("ids", made[2].Id.ToString()));

        Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
        Assert.Contains("2 jobs will be cancelled", previewHtml);
        Assert.All(untouched, state => Assert.Equal(JobState.Available, state));
        Assert.Equal(HttpStatusCode.Redirect, post.StatusCode);
        Assert.Equal("/jobs?tag=tick", post.Headers.Location!.OriginalString);
        Assert.Equal([JobState.Cancelled, JobState.Available, JobState.Cancelled],
            await Task.WhenAll(made.Select(async j => (await jobs.GetAsync(j.Id))!.State)));
        Assert.Contains("Cancelled 2 of 2 selected jobs.", await operatorClient.GetStringAsync("/jobs?tag=tick"));
    }

    [Fact]
    public async Task An_admin_creates_an_api_key_shown_once_that_then_authenticates()
    {
        using var admin = await SignedInAsync("admin");

        var created = await DashboardForms.PostOnceAsync(admin, "/admin/api-keys", "/admin/api-keys?handler=Create",
            ("name", "billing"), ("role", "operator"), ("kinds", "diag.noop, diag.fail"), ("queues", ""));
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        var key = Regex.Match(await admin.GetStringAsync(created.Headers.Location!.OriginalString), "id=\"issued-key\">([^<]+)<").Groups[1].Value;

        var info = await Service<ApiKeys>().AuthenticateAsync(key);
        Assert.NotNull(info);
        Assert.Equal(ApiKeyRole.Operator, info.Role);
        Assert.Equal(["diag.noop", "diag.fail"], info.Kinds!);
        Assert.Null(info.Queues);
        var list = await admin.GetStringAsync("/admin/api-keys");
        Assert.DoesNotContain(key, list);
        Assert.Contains($"jobs_{info.Prefix}_", list);
    }
}
