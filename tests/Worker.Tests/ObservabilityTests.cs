using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Jobs.Engine.Client;
using Jobs.Engine.Diagnostics;
using Jobs.Engine.States;
using Jobs.Operators;
using Jobs.Testing;
using Jobs.Webhooks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Jobs.Worker.Tests;

/// <summary>The worker process as operators watch it: health, Prometheus metrics, OTLP traces, and what its logs never say.</summary>
public sealed partial class ObservabilityTests : WorkerTestBase
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    private Task<JobInfo> FinishedAsync(long id, JobState state) => WaitForAsync(id, j => j.State == state, $"job {id} to be {state}");

    [Fact]
    public async Task Health_endpoints_report_live_ready_and_each_check()
    {
        using var worker = HostProcess.StartWorker(Schema);
        var address = await worker.AddressAsync();

        var live = await Http.GetAsync(new Uri(address, "/health/live"));
        var ready = await Eventually.ReturnsAsync(() => Http.GetAsync(new Uri(address, "/health/ready")),
            r => r.StatusCode == HttpStatusCode.OK, "the worker to be ready");
        using var detail = JsonDocument.Parse(await Http.GetStringAsync(new Uri(address, "/health")));

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Contains("\"ready\"", await ready.Content.ReadAsStringAsync());
        var checks = detail.RootElement.GetProperty("checks");
        Assert.Equal("healthy", checks.GetProperty("database").GetProperty("status").GetString());
        Assert.Contains($"schema {Schema.Name} at migration", checks.GetProperty("database").GetProperty("description").GetString());
        var server = checks.GetProperty("server");
        Assert.Equal("healthy", server.GetProperty("status").GetString());
        Assert.True(server.GetProperty("data").GetProperty("listening").GetBoolean());
        Assert.Equal(1L, await Schema.ScalarAsync<long>("select count(*) from {s}.server where id = @id",
            new { id = server.GetProperty("data").GetProperty("server").GetString() }));

        // Draining for shutdown, the worker is no longer ready.
        worker.Terminate();
        Assert.Equal(0, await worker.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task Metrics_are_served_in_prometheus_text_that_promtool_accepts()
    {
        using var worker = HostProcess.StartWorker(Schema);
        var address = await worker.AddressAsync();
        var done = await Engine.Client.EnqueueManyAsync(Enumerable.Range(0, 3).Select(_ => JobRequest.Create(new NoopArgs())).ToList());
        var dead = await Engine.Client.EnqueueAsync(new FailArgs("no good", Permanent: true));
        foreach (var job in done)
        {
            await FinishedAsync(job.Id, JobState.Succeeded);
        }
        await FinishedAsync(dead.Id, JobState.Dead);
        // A paused queue with a backlog: the queue gauges show it.
        await Engine.Client.PauseQueueAsync("backlog");
        await Engine.Client.EnqueueManyAsync(Enumerable.Range(0, 5).Select(_ => JobRequest.Create(new NoopArgs(), new EnqueueOptions { Queue = "backlog" })).ToList());

        var response = await Http.GetAsync(new Uri(address, "/metrics"));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        var (exitCode, promtool) = await Promtool.CheckMetricsAsync(text);
        Assert.True(exitCode == 0, $"promtool check metrics failed ({exitCode}):\n{promtool}\n--- metrics ---\n{text}");
        Assert.Contains("jobs_succeeded_total{kind=\"diag.noop\",queue=\"default\"} 3\n", text);
        Assert.Contains("jobs_started_total{kind=\"diag.fail\",queue=\"default\"} 1\n", text);
        Assert.Contains("jobs_failed_total{kind=\"diag.fail\",queue=\"default\"} 1\n", text);
        Assert.Contains("jobs_dead_total{kind=\"diag.fail\",queue=\"default\"} 1\n", text);
        Assert.Contains("# TYPE jobs_duration_seconds histogram\n", text);
        Assert.Contains("jobs_duration_seconds_count{kind=\"diag.noop\",outcome=\"succeeded\",queue=\"default\"} 3\n", text);
        Assert.Contains("jobs_pickup_latency_seconds_bucket{kind=\"diag.noop\",queue=\"default\",le=\"+Inf\"} 3\n", text);
        Assert.Contains("jobs_workers{queue=\"default\"} 10\n", text);
        Assert.Contains("jobs_workers_busy{queue=\"default\"} 0\n", text);
        Assert.Contains("jobs_queue_depth{queue=\"backlog\"} 5\n", text);
        Assert.Contains("jobs_queue_paused{queue=\"backlog\"} 1\n", text);
        Assert.Matches("jobs_queue_oldest_age_seconds\\{queue=\"backlog\"\\} [0-9.]+", text);
        Assert.Contains("db_client_connection_max{db_client_connection_pool_name=\"jobs\"} ", text);
        AssertNoConnectionDetails(text);
    }

    [Fact]
    public async Task With_metrics_behind_an_api_key_a_scrape_needs_a_valid_key_and_health_stays_open()
    {
        var key = await Engine.Services.GetRequiredService<ApiKeys>().CreateAsync("prometheus", ApiKeyRole.Producer, null, null, "test");
        var revoked = await Engine.Services.GetRequiredService<ApiKeys>().CreateAsync("old scraper", ApiKeyRole.Producer, null, null, "test");
        await Engine.Services.GetRequiredService<ApiKeys>().RevokeAsync(revoked.Info.Id);
        using var worker = HostProcess.StartWorker(Schema, new Dictionary<string, string> { ["Worker__MetricsRequireApiKey"] = "true" });
        var address = await worker.AddressAsync();
        await Eventually.ReturnsAsync(() => Http.GetAsync(new Uri(address, "/health/ready")), r => r.StatusCode == HttpStatusCode.OK, "the worker to be ready");

        var anonymous = await Http.GetAsync(new Uri(address, "/metrics"));
        var withRevokedKey = await ScrapeAsync(address, revoked.Key);
        var withKey = await ScrapeAsync(address, key.Key);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("Bearer", anonymous.Headers.WwwAuthenticate.ToString());
        Assert.Equal("application/problem+json", anonymous.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("# TYPE", await anonymous.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, withRevokedKey.StatusCode);
        Assert.Equal(HttpStatusCode.OK, withKey.StatusCode);
        var text = await withKey.Content.ReadAsStringAsync();
        Assert.Contains("# TYPE jobs_workers gauge", text);
        AssertNoConnectionDetails(text);
    }

    private static Task<HttpResponseMessage> ScrapeAsync(Uri address, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(address, "/metrics"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return Http.SendAsync(request);
    }

    /// <summary>No label of any series names the database's host, port, name or user: /metrics may be open to whoever reaches the port.</summary>
    private static void AssertNoConnectionDetails(string metrics)
    {
        var connection = new NpgsqlConnectionStringBuilder(TestDatabase.ConnectionString);
        var details = new[] { connection.Host!, connection.Port.ToString(CultureInfo.InvariantCulture), connection.Database!, connection.Username! };
        var labels = Label().Matches(metrics).Select(m => (Name: m.Groups[1].Value, Value: m.Groups[2].Value)).Where(l => l.Name != "le").ToList();
        Assert.NotEmpty(labels);
        Assert.All(labels, label =>
        {
            Assert.DoesNotContain(label.Name, new[] { "server_address", "server_port", "db_namespace", "db_name", "db_user", "user_name", "network_peer_address" });
            Assert.All(details, detail => Assert.False(Regex.IsMatch(label.Value, $@"(^|\W){Regex.Escape(detail)}(\W|$)", RegexOptions.IgnoreCase),
                $"{label.Name}=\"{label.Value}\" shows the connection's {detail}"));
        });
    }

    [GeneratedRegex("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"")]
    private static partial Regex Label();

    [Fact]
    public async Task Traces_are_exported_over_otlp_when_an_endpoint_is_configured()
    {
        var bodies = new ConcurrentQueue<(string Path, byte[] Body)>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var collector = builder.Build();
        collector.MapPost("/v1/{signal}", async (HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            bodies.Enqueue((request.Path.Value!, body.ToArray()));
            return Results.Ok();
        });
        await collector.StartAsync();

        using var worker = HostProcess.StartWorker(Schema, new Dictionary<string, string>
        {
            ["Telemetry__OtlpEndpoint"] = collector.Urls.Single(),
            ["Telemetry__OtlpProtocol"] = "http/protobuf",
            ["Telemetry__ServiceName"] = "jobs-worker-under-test",
        });
        await worker.AddressAsync();
        var job = await Engine.Client.EnqueueAsync(new NoopArgs());
        await FinishedAsync(job.Id, JobState.Succeeded);
        worker.Terminate();
        Assert.Equal(0, await worker.WaitForExitAsync(TimeSpan.FromSeconds(30)));

        // OTLP is protobuf; its strings (span names, attribute keys and values) travel as UTF-8.
        var traces = bodies.Where(b => b.Path == "/v1/traces").Select(b => Encoding.UTF8.GetString(b.Body)).ToList();
        Assert.Contains(traces, t => t.Contains("run diag.noop", StringComparison.Ordinal) && t.Contains("jobs-worker-under-test", StringComparison.Ordinal));
        Assert.Contains(bodies, b => b.Path == "/v1/metrics" && Encoding.UTF8.GetString(b.Body).Contains("jobs.succeeded", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Jobs__Server__ClaimBatchSize", "0", "Jobs:Server:ClaimBatchSize must be between 1 and 10000 (got 0).")]
    [InlineData("Jobs__Server__PollInterval", "soon", "Jobs:Server:PollInterval")]
    [InlineData("Telemetry__OtlpProtocol", "udp", "Telemetry:OtlpProtocol must be one of grpc, http/protobuf (got 'udp').")]
    [InlineData("Jobs__Recurring__Schedules__nightly__Cron", "61 * * * *", "nightly")]
    public async Task Settings_that_are_not_valid_stop_the_worker_naming_the_key(string key, string value, string message)
    {
        var settings = new Dictionary<string, string> { [key] = value };
        if (key.Contains("Schedules", StringComparison.Ordinal))
        {
            settings["Jobs__Recurring__Schedules__nightly__Kind"] = "diag.noop";
        }
        using var worker = HostProcess.StartWorker(Schema, settings);

        var exitCode = await worker.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.True(exitCode == 2, $"exit code {exitCode}; output:\n{worker.Output}");
        Assert.Contains("The settings are not valid; nothing was started:", worker.Output);
        Assert.Contains(message, worker.Output);
        Assert.DoesNotContain("   at ", worker.Output);
        Assert.Equal(0L, await Schema.ScalarAsync<long>("select count(*) from {s}.server"));
    }

    [Fact]
    public async Task Secrets_given_to_the_worker_never_reach_its_output()
    {
        var apiKey = "sk_test_" + Guid.NewGuid().ToString("N");
        var password = "pw-" + Guid.NewGuid().ToString("N");
        var scraperKey = (await Engine.Services.GetRequiredService<ApiKeys>().CreateAsync("prometheus", ApiKeyRole.Producer, null, null, "test")).Key;
        var wrongKey = scraperKey[..^4] + "AAAA";
        // A receiver on loopback, and an endpoint whose signing secret the test knows.
        var signatures = new ConcurrentQueue<string>();
        var receiver = WebApplication.CreateSlimBuilder();
        receiver.WebHost.UseUrls("http://127.0.0.1:0");
        await using var receiving = receiver.Build();
        receiving.MapPost("/hooks", (HttpRequest request) =>
        {
            signatures.Enqueue(request.Headers["webhook-signature"].ToString());
            return Results.Ok();
        });
        await receiving.StartAsync();
        await using var business = await TestEngine.StartAsync(Schema, jobs => jobs.AddBusinessJobs(), new Dictionary<string, string?>
        {
            ["App:Schema"] = Schema.AppSchema,
            ["App:Webhooks:SecretKey"] = TestKeys.WebhookSecretKey,
            // The receiver is on loopback: allowed here as in the worker below (the guard checks at creation too).
            ["App:Webhooks:AllowLoopback"] = "true",
        }, server: false);
        var webhookSecret = "whsec_" + Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        await business.Services.GetRequiredService<WebhookEndpoints>().CreateAsync(receiving.Urls.Single() + "/hooks", secret: webhookSecret);

        using var worker = HostProcess.StartWorker(Schema, new Dictionary<string, string>
        {
            ["App__Payments__ApiKey"] = apiKey,
            // The test server trusts local connections: the password is sent, never checked.
            ["ConnectionStrings__Jobs"] = TestDatabase.ConnectionString + ";Password=" + password,
            ["App__Webhooks__AllowLoopback"] = "true",
            ["Worker__MetricsRequireApiKey"] = "true",
            ["Serilog__MinimumLevel__Default"] = "Verbose",
            ["Serilog__MinimumLevel__Override__Microsoft"] = "Verbose",
            ["Serilog__MinimumLevel__Override__System"] = "Verbose",
        });
        var address = await worker.AddressAsync();
        // A failing job whose error text carries a key and a card number by accident.
        var leaky = await Engine.Client.EnqueueAsync(new FailArgs($"gateway said: bad key {apiKey} for card 4242 4242 4242 4242", Permanent: true));
        var delivery = Assert.Single((await business.Services.GetRequiredService<WebhookPublisher>().PublishAsync("order.paid", new { OrderId = 7 })).Deliveries);
        await FinishedAsync(leaky.Id, JobState.Dead);
        await FinishedAsync(delivery.JobId, JobState.Succeeded);
        // Scrapes with the key in the Authorization header, and with a wrong one.
        Assert.Equal(HttpStatusCode.OK, (await ScrapeAsync(address, scraperKey)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await ScrapeAsync(address, wrongKey)).StatusCode);
        worker.Terminate();
        await worker.WaitForExitAsync(TimeSpan.FromSeconds(30));

        var output = worker.Output;
        Assert.StartsWith("v1,", Assert.Single(signatures));
        Assert.Contains("[redacted]", output);
        Assert.Contains("/metrics responded 401", output);
        foreach (var secret in new[] { apiKey, password, TestKeys.WebhookSecretKey, webhookSecret, webhookSecret["whsec_".Length..], scraperKey, wrongKey,
            scraperKey.Split('_', 3)[2], "4242 4242 4242 4242" })
        {
            Assert.DoesNotContain(secret, output);
        }
    }
}
