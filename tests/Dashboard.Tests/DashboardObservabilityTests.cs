using System.Collections;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Jobs.Dashboard.Tests.Api;
using Jobs.Engine;
using Jobs.Engine.States;
using Jobs.Operators;
using Jobs.Testing;
using Jobs.Webhooks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Trace;

namespace Jobs.Dashboard.Tests;

/// <summary>What the dashboard tells operators about itself: request logs with correlation ids, metrics, traces, and never a secret.</summary>
public sealed partial class DashboardObservabilityTests
{
    private const string Password = "observability-test-password";

    /// <summary>The completion events of Serilog's request logging.</summary>
    private static IEnumerable<CapturedLogs.LogLine> RequestLines(ApiHost host) =>
        host.Logs.Lines.Where(l => l.Category == "Serilog.AspNetCore.RequestLoggingMiddleware");

    [Fact]
    public async Task Every_request_is_logged_once_with_method_path_status_duration_and_correlation_id()
    {
        await using var host = await ApiHost.StartAsync();
        using var api = host.Client(await host.CreateKeyAsync(ApiKeyRole.Producer));

        var enqueued = await api.PostJsonAsync("/api/v1/jobs", """{"kind": "diag.noop"}""", r => r.Headers.Add("X-Correlation-ID", "order-7781"));
        var listed = await api.GetAsync("/api/v1/jobs?search=invoice-of-mrs-smith");
        var page = await host.Anonymous().GetAsync("/login");

        Assert.Equal(HttpStatusCode.Created, enqueued.StatusCode);
        Assert.Equal("order-7781", (await host.Jobs.GetAsync((await enqueued.JsonAsync()).Id()))!.CorrelationId);
        var posted = Assert.Single(RequestLines(host), l => l.Message.StartsWith("HTTP POST /api/v1/jobs responded 201 in ", StringComparison.Ordinal));
        Assert.EndsWith(" ms (correlation order-7781; Slow=False)", posted.Message);
        Assert.Equal(LogLevel.Information, posted.Level);
        // A new id for requests that bring none, echoed to the caller; query strings are not logged.
        var generated = listed.Headers.GetValues("X-Correlation-ID").Single();
        Assert.Single(RequestLines(host), l => l.Message.StartsWith("HTTP GET /api/v1/jobs responded 200 in ", StringComparison.Ordinal)
            && l.Message.EndsWith($"(correlation {generated}; Slow=False)", StringComparison.Ordinal));
        Assert.DoesNotContain(RequestLines(host), l => l.Message.Contains("mrs-smith", StringComparison.Ordinal));
        Assert.True(page.Headers.Contains("X-Correlation-ID"));
        Assert.Contains(RequestLines(host), l => l.Message.StartsWith("HTTP GET /login responded 200", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_request_slower_than_the_threshold_is_a_warning_marked_slow()
    {
        await using var host = await ApiHost.StartAsync(new Dictionary<string, string> { ["RequestLogging:SlowThreshold"] = "00:00:00.001" });
        using var api = host.Client(await host.CreateKeyAsync(ApiKeyRole.Producer));

        // An enqueue is a database round trip and more: well over a millisecond.
        await api.PostJsonAsync("/api/v1/jobs", """{"kind": "diag.noop"}""");

        var slow = Assert.Single(RequestLines(host), l => l.Message.StartsWith("HTTP POST /api/v1/jobs responded 201", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Warning, slow.Level);
        Assert.EndsWith("; Slow=True)", slow.Message);
    }

    [Fact]
    public async Task The_api_refuses_a_malformed_correlation_id_naming_the_header()
    {
        await using var host = await ApiHost.StartAsync();
        using var api = host.Client(await host.CreateKeyAsync(ApiKeyRole.Producer));

        var response = await api.PostJsonAsync("/api/v1/jobs", """{"kind": "diag.noop"}""", r => r.Headers.Add("X-Correlation-ID", "has spaces in it"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("X-Correlation-ID must be 1 to 200 printable ASCII characters, without spaces.",
            (await response.ProblemAsync()).Error("X-Correlation-ID"));
        Assert.Equal(0L, await host.Schema.ScalarAsync<long>("select count(*) from {s}.job"));
    }

    [Fact]
    public async Task Metrics_are_served_to_api_keys_and_operators_only_and_promtool_accepts_them()
    {
        await using var host = await ApiHost.StartAsync();
        using var api = host.Client(await host.CreateKeyAsync(ApiKeyRole.Producer));
        await api.PostJsonAsync("/api/v1/jobs", """{"kind": "diag.noop"}""");
        await api.PostJsonAsync("/api/v1/jobs", """{"kind": "diag.noop", "queue": "reports"}""");

        var anonymous = await host.Anonymous().GetAsync("/metrics");
        var scraped = await api.GetAsync("/metrics");
        var text = await scraped.Content.ReadAsStringAsync();

        Assert.NotEqual(HttpStatusCode.OK, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.OK, scraped.StatusCode);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", scraped.Content.Headers.ContentType?.ToString());
        var (exitCode, promtool) = await Promtool.CheckMetricsAsync(text);
        Assert.True(exitCode == 0, $"promtool check metrics failed ({exitCode}):\n{promtool}");
        Assert.Contains("jobs_enqueued_total{kind=\"diag.noop\",queue=\"default\"} 1\n", text);
        Assert.Contains("jobs_enqueued_total{kind=\"diag.noop\",queue=\"reports\"} 1\n", text);
        Assert.Contains("jobs_queue_depth{queue=\"default\"} 1\n", text);
        Assert.Contains("# TYPE http_server_request_duration_seconds histogram", text);
    }

    [Fact]
    public async Task One_trace_runs_from_an_http_enqueue_through_the_attempt_to_its_http_calls_and_database_statements()
    {
        var target = WebApplication.CreateSlimBuilder();
        target.WebHost.UseUrls("http://127.0.0.1:0");
        await using var cache = target.Build();
        cache.MapGet("/page", () => "warm");
        await cache.StartAsync();
        var spans = new Spans();
        // The dashboard runs the job too: the trace crosses hosts through the trace context stored with the job either way.
        await using var host = await ApiHost.StartAsync(new Dictionary<string, string> { ["App:CacheWarming:Urls:0"] = cache.Urls.Single() + "/page" },
            services => services.AddJobsServer().Services.AddOpenTelemetry().WithTracing(t => t.AddInMemoryExporter(spans)));
        using var api = host.Client(await host.CreateKeyAsync(ApiKeyRole.Producer));
        // The caller's own trace, as a service in front of the API would send it; other tests' spans are in other traces.
        var traceId = ActivityTraceId.CreateRandom();

        var response = await api.PostJsonAsync("/api/v1/jobs", """{"kind": "cache.warm"}""",
            r => r.Headers.Add("traceparent", $"00-{traceId.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01"));
        var id = (await response.JsonAsync()).Id();
        await Eventually.ReturnsAsync(async () => (await host.Jobs.GetAsync(id))!, j => j.State == JobState.Succeeded, "the cache warming to succeed");
        await Eventually.TrueAsync(() => Task.FromResult(spans.InTrace(traceId).Any(s => s.OperationName == "run cache.warm")), "the attempt's span to end");

        // Stopped here, not by the host's disposal: the host stops its services while the entry point disposes them.
        await host.Services.GetRequiredService<Jobs.Engine.Server.JobServer>().StopAsync(CancellationToken.None);

        var trace = spans.InTrace(traceId);
        var request = Assert.Single(trace, s => s.Source.Name == "Microsoft.AspNetCore" && (string?)s.GetTagItem("url.path") == "/api/v1/jobs");
        Assert.Equal(ActivityKind.Server, request.Kind);
        Assert.Equal("POST", request.GetTagItem("http.request.method"));
        var enqueue = Assert.Single(trace, s => s.OperationName == "enqueue cache.warm");
        Assert.Equal(request.SpanId, enqueue.ParentSpanId);
        Assert.Contains(trace, s => s.Source.Name == "Npgsql" && s.ParentSpanId == enqueue.SpanId);
        var run = Assert.Single(trace, s => s.OperationName == "run cache.warm");
        Assert.Equal(ActivityKind.Consumer, run.Kind);
        Assert.Equal(enqueue.SpanId, run.ParentSpanId);
        Assert.Equal(id, run.GetTagItem("job.id"));
        var call = Assert.Single(trace, s => s.Source.Name == "System.Net.Http");
        Assert.Equal(ActivityKind.Client, call.Kind);
        Assert.Equal(cache.Urls.Single() + "/page", call.GetTagItem("url.full"));
        Assert.True(Descends(call, run, trace), "the HTTP call is not inside the attempt's span");
        // The target served it in the same trace: the call carried the trace context.
        Assert.Single(trace, s => s.Source.Name == "Microsoft.AspNetCore" && s.ParentSpanId == call.SpanId && (string?)s.GetTagItem("url.path") == "/page");
        Assert.Contains(trace, s => s.Source.Name == "Npgsql" && Descends(s, run, trace));
    }

    [Fact]
    public async Task Passwords_api_keys_webhook_secrets_and_authorization_headers_never_reach_the_dashboards_output()
    {
        await using var schema = await TestSchema.CreateAsync();
        await using var engine = await TestEngine.StartAsync(schema, server: false, services: s => s.AddJobsOperators());
        await engine.Services.GetRequiredService<OperatorAccounts>().CreateAsync("olga",
            new PasswordHasher<OperatorAccount>().HashPassword(null!, Password), OperatorRole.Admin, "test");
        var key = (await engine.Services.GetRequiredService<ApiKeys>().CreateAsync("ops", ApiKeyRole.Operator, null, null, "test")).Key;
        const string WrongPassword = "not-the-password-of-olga";
        using var dashboard = HostProcess.StartDashboard(schema, new Dictionary<string, string>
        {
            ["Serilog__MinimumLevel__Default"] = "Verbose",
            ["Serilog__MinimumLevel__Override__Microsoft"] = "Verbose",
            ["Serilog__MinimumLevel__Override__System"] = "Verbose",
        });
        var address = await dashboard.AddressAsync();
        using var stranger = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = address };
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = address };
        await Eventually.ReturnsAsync(() => stranger.GetAsync("/health/ready"), r => r.StatusCode == HttpStatusCode.OK, "the dashboard to be ready");
        // A webhook endpoint in the business schema the dashboard migrated; its secret is rotated on the page below.
        await using var business = await TestEngine.StartAsync(schema, jobs => jobs.AddBusinessJobs(), new Dictionary<string, string?>
        {
            ["App:Schema"] = schema.AppSchema,
            ["App:Webhooks:SecretKey"] = TestKeys.WebhookSecretKey,
        }, server: false);
        var endpoint = await business.Services.GetRequiredService<WebhookEndpoints>().CreateAsync("https://hooks.example.com/orders");

        Assert.Equal(HttpStatusCode.OK, (await DashboardForms.SignInAsync(stranger, "olga", WrongPassword)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await DashboardForms.SignInAsync(browser, "olga", Password)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/admin/api-keys")).StatusCode);
        var page = $"/webhooks/endpoints/{endpoint.EndpointId}";
        var rotated = await DashboardForms.PostOnceAsync(browser, page, page + "?handler=Rotate",
            ("id", endpoint.EndpointId.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var webhookSecret = WebhookSecret().Match(await browser.GetStringAsync(rotated.Headers.Location!.OriginalString)).Value;
        using var api = new HttpClient { BaseAddress = address };
        api.DefaultRequestHeaders.Authorization = new("Bearer", key);
        Assert.Equal(HttpStatusCode.Created, (await api.PostJsonAsync("/api/v1/jobs", """{"kind": "diag.noop"}""")).StatusCode);
        using var wrongKey = new HttpClient { BaseAddress = address };
        wrongKey.DefaultRequestHeaders.Authorization = new("Bearer", key + "x");
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrongKey.GetAsync("/api/v1/jobs")).StatusCode);
        dashboard.Terminate();
        await dashboard.WaitForExitAsync(TimeSpan.FromSeconds(30));

        var output = dashboard.Output;
        Assert.StartsWith("whsec_", webhookSecret);
        Assert.Contains("HTTP POST /login responded 302", output);
        Assert.Contains("HTTP GET /api/v1/jobs responded 401", output);
        foreach (var secret in new[] { Password, WrongPassword, key, key.Split('_', 3)[2], key + "x", webhookSecret, webhookSecret["whsec_".Length..],
            TestKeys.WebhookSecretKey })
        {
            Assert.DoesNotContain(secret, output);
        }
    }

    /// <summary>Whether <paramref name="span"/> is below <paramref name="ancestor"/> in <paramref name="trace"/>.</summary>
    private static bool Descends(Activity span, Activity ancestor, IReadOnlyList<Activity> trace)
    {
        for (var parent = span.ParentSpanId; parent != default;)
        {
            if (parent == ancestor.SpanId)
            {
                return true;
            }
            parent = trace.FirstOrDefault(s => s.SpanId == parent)?.ParentSpanId ?? default;
        }
        return false;
    }

    [GeneratedRegex("whsec_[A-Za-z0-9+/=]+")]
    private static partial Regex WebhookSecret();

    /// <summary>What the in-memory exporter collects, safe to read while spans end on other threads.</summary>
    private sealed class Spans : ICollection<Activity>
    {
        private readonly ConcurrentQueue<Activity> _spans = new();

        public int Count => _spans.Count;

        public bool IsReadOnly => false;

        public IReadOnlyList<Activity> InTrace(ActivityTraceId traceId) => _spans.Where(s => s.TraceId == traceId).ToList();

        public void Add(Activity item) => _spans.Enqueue(item);

        public void Clear() => _spans.Clear();

        public bool Contains(Activity item) => _spans.Contains(item);

        public void CopyTo(Activity[] array, int arrayIndex) => _spans.CopyTo(array, arrayIndex);

        public bool Remove(Activity item) => throw new NotSupportedException();

        public IEnumerator<Activity> GetEnumerator() => _spans.GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
