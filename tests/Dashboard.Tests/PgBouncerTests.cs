using System.Net;
using Jobs.Dashboard.Tests.Api;
using Jobs.Engine.Client;
using Jobs.Engine.Diagnostics;
using Jobs.Engine.States;
using Jobs.Engine.Storage;
using Jobs.Operators;
using Jobs.Testing;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Jobs.Dashboard.Tests;

/// <summary>
/// The worker and the dashboard as processes, and the client in the test, reaching PostgreSQL through a
/// stock PgBouncer 1.18 in transaction mode with few server connections (so consecutive transactions of
/// one client land on different server sessions): nothing may rely on a session outliving a transaction.
/// </summary>
public sealed class PgBouncerTests
{
    private const string Password = "pgbouncer-test-password";

    private static readonly HttpClient Http = new();

    [Fact]
    public async Task Worker_dashboard_and_client_migrate_enqueue_run_and_list_through_pgbouncer_in_transaction_mode_without_a_direct_connection()
    {
        await using var bouncer = await PgBouncer.StartAsync("transaction", poolSize: 4);
        // Not migrated: the hosts migrate through the pooler, at the same time.
        await using var schema = await TestSchema.CreateAsync(migrate: false);
        var pooled = new Dictionary<string, string>
        {
            ["ConnectionStrings__Jobs"] = bouncer.ConnectionString,
            ["Jobs__Pooler"] = "Transaction",
        };
        using var worker = HostProcess.StartWorker(schema, new Dictionary<string, string>(pooled)
        {
            ["Jobs__Server__PollInterval"] = "00:00:00.200",
        });
        using var dashboard = HostProcess.StartDashboard(schema, pooled);
        await using var client = await TestEngine.StartAsync(schema, settings: new Dictionary<string, string?>
        {
            ["ConnectionStrings:Jobs"] = bouncer.ConnectionString,
            ["Jobs:Pooler"] = "Transaction",
        }, server: false, services: s => s.AddJobsOperators());

        var dashboardAddress = await dashboard.AddressAsync();
        var workerAddress = await worker.AddressAsync();
        await Eventually.ReturnsAsync(() => Http.GetAsync(new Uri(dashboardAddress, "/health/ready")), r => r.StatusCode == HttpStatusCode.OK,
            "the dashboard to be ready");
        var ready = await Eventually.ReturnsAsync(() => Http.GetAsync(new Uri(workerAddress, "/health/ready")), r => r.StatusCode == HttpStatusCode.OK,
            "the worker to be ready although it cannot listen");
        Assert.Contains("polling", await ready.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var key = (await client.Services.GetRequiredService<ApiKeys>().CreateAsync("producer", ApiKeyRole.Producer, null, null, "test")).Key;
        await client.Services.GetRequiredService<OperatorAccounts>().CreateAsync("olga",
            new PasswordHasher<OperatorAccount>().HashPassword(null!, Password), OperatorRole.Admin, "test");
        using var api = new HttpClient { BaseAddress = dashboardAddress };
        api.DefaultRequestHeaders.Authorization = new("Bearer", key);
        var ids = new List<long>();
        for (var i = 0; i < 10; i++)
        {
            var response = await api.PostJsonAsync("/api/v1/jobs", """{"kind": "diag.noop", "tags": ["bounced"]}""");
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            ids.Add((await response.JsonAsync()).GetProperty("id").GetInt64());
        }
        ids.AddRange((await client.Client.EnqueueManyAsync(Enumerable.Range(0, 40)
            .Select(_ => JobRequest.Create(new NoopArgs(), new EnqueueOptions { Tags = ["bounced"] })).ToList())).Select(j => j.Id));
        ids.Add((await client.Client.EnqueueAsync(new SleepArgs(50), new EnqueueOptions { Tags = ["bounced"] })).Id);

        await Eventually.ReturnsAsync(() => schema.ScalarAsync<long>("select count(*) from {s}.job where state = 'succeeded' and 'bounced' = any(tags)"),
            succeeded => succeeded == ids.Count, "every job to succeed", TimeSpan.FromSeconds(60));
        foreach (var id in ids)
        {
            Assert.Equal(JobState.Succeeded, (await client.Client.GetAsync(id))!.State);
        }

        // Lists and pages read through the pooler too.
        var page = await (await api.GetAsync("/api/v1/jobs?state=succeeded&tag=bounced&limit=100")).JsonAsync();
        Assert.Equal(ids.Order(), page.GetProperty("items").EnumerateArray().Select(j => j.GetProperty("id").GetInt64()).Order());
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = dashboardAddress };
        Assert.Equal(HttpStatusCode.Redirect, (await DashboardForms.SignInAsync(browser, "olga", Password)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/")).StatusCode);
        var list = await browser.GetAsync("/jobs?state=succeeded");
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Contains(ids[0].ToString(System.Globalization.CultureInfo.InvariantCulture), await list.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // One clear warning that the worker polls, one that JIT is on (PostgreSQL's default; the pooler
        // refuses the options parameter that turns it off), and no error from a session feature the pooler broke.
        Assert.Single(worker.LogEvents, e => EventId(e) == 2302);
        Assert.Single(worker.LogEvents, e => EventId(e) == 1003);
        Assert.DoesNotContain(worker.LogEvents, e => e.TryGetProperty("@l", out var level) && level.GetString() is "Error" or "Fatal");
        Assert.DoesNotContain("prepared statement", worker.Output + dashboard.Output, StringComparison.OrdinalIgnoreCase);
        worker.Terminate();
        dashboard.Terminate();
        Assert.Equal(0, await worker.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(0, await dashboard.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        // Three processes migrated at once through the pooler (none failed, or it would not have become
        // ready), one under the transaction lock, the others found it done: every migration is there.
        Assert.Equal(Migrator.All.Count, await schema.ScalarAsync<long>("select count(*) from {s}.migration"));
    }

    [Fact]
    public async Task With_a_direct_connection_the_worker_listens_on_it_while_jobs_go_through_pgbouncer()
    {
        await using var bouncer = await PgBouncer.StartAsync("transaction", poolSize: 4);
        await using var schema = await TestSchema.CreateAsync(migrate: false);
        using var worker = HostProcess.StartWorker(schema, new Dictionary<string, string>
        {
            ["ConnectionStrings__Jobs"] = bouncer.ConnectionString,
            ["ConnectionStrings__JobsDirect"] = TestDatabase.ConnectionString,
            ["Jobs__Pooler"] = "Transaction",
            // Only a notification can wake it within the test's patience.
            ["Jobs__Server__PollInterval"] = "00:10:00",
        });
        var workerAddress = await worker.AddressAsync();
        var ready = await Eventually.ReturnsAsync(() => Http.GetAsync(new Uri(workerAddress, "/health/ready")), r => r.StatusCode == HttpStatusCode.OK,
            "the worker to be ready and listening");
        Assert.Contains("listening", await ready.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await using var client = await TestEngine.StartAsync(schema, settings: new Dictionary<string, string?>
        {
            ["ConnectionStrings:Jobs"] = bouncer.ConnectionString,
            ["Jobs:Pooler"] = "Transaction",
        }, server: false);

        // Enqueued through the pooler: its NOTIFY commits with the job and reaches the direct LISTEN.
        var job = await client.Client.EnqueueAsync(new NoopArgs());
        await Eventually.ReturnsAsync(async () => (await client.Client.GetAsync(job.Id))!, j => j.State == JobState.Succeeded,
            "the job to be picked up on its notification", TimeSpan.FromSeconds(60));
        Assert.DoesNotContain(worker.LogEvents, e => EventId(e) == 2302);
    }

    [Fact]
    public async Task In_session_mode_the_worker_listens_through_pgbouncer_itself()
    {
        await using var bouncer = await PgBouncer.StartAsync("session", poolSize: 20);
        await using var schema = await TestSchema.CreateAsync(migrate: false);
        using var worker = HostProcess.StartWorker(schema, new Dictionary<string, string>
        {
            ["ConnectionStrings__Jobs"] = bouncer.ConnectionString,
            ["Jobs__Pooler"] = "Session",
            ["Jobs__Server__PollInterval"] = "00:10:00",
        });
        var workerAddress = await worker.AddressAsync();
        var ready = await Eventually.ReturnsAsync(() => Http.GetAsync(new Uri(workerAddress, "/health/ready")), r => r.StatusCode == HttpStatusCode.OK,
            "the worker to be ready and listening", TimeSpan.FromSeconds(60));
        Assert.Contains("listening", await ready.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await using var client = await TestEngine.StartAsync(schema, settings: new Dictionary<string, string?>
        {
            ["ConnectionStrings:Jobs"] = bouncer.ConnectionString,
            ["Jobs:Pooler"] = "Session",
        }, server: false);

        var job = await client.Client.EnqueueAsync(new NoopArgs());
        await Eventually.ReturnsAsync(async () => (await client.Client.GetAsync(job.Id))!, j => j.State == JobState.Succeeded,
            "the job to be picked up on its notification", TimeSpan.FromSeconds(60));
        Assert.DoesNotContain(worker.LogEvents, e => EventId(e) == 2302);
    }

    private static int EventId(System.Text.Json.JsonElement e) =>
        e.TryGetProperty("EventId", out var id) && id.TryGetProperty("Id", out var value) ? value.GetInt32() : 0;
}
