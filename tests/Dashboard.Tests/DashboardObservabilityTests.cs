using System.Net;
using Jobs.Dashboard.Tests.Api;
using Jobs.Engine.Admin;
using Jobs.Testing;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Jobs.Dashboard.Tests;

/// <summary>What the dashboard tells operators about itself: request logs with correlation ids, metrics, and never a secret.</summary>
public sealed class DashboardObservabilityTests
{
    private const string Password = "observability-test-password";

    private static async Task CreateOperatorAsync(ApiHost host, string username, OperatorRole role) =>
        await host.Services.GetRequiredService<OperatorAccounts>().CreateAsync(username,
            host.Services.GetRequiredService<IPasswordHasher<OperatorAccount>>().HashPassword(null!, Password), role, "test");

    private static IEnumerable<string> RequestLines(ApiHost host) =>
        host.Logs.Lines.Where(l => l.EventId.Id == 5001).Select(l => l.Message);

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
        Assert.Single(RequestLines(host), l => l.StartsWith("HTTP POST /api/v1/jobs responded 201 in ", StringComparison.Ordinal)
            && l.Contains("(correlation order-7781;", StringComparison.Ordinal));
        // A new id for requests that bring none, echoed to the caller; query strings are not logged.
        var generated = listed.Headers.GetValues("X-Correlation-ID").Single();
        Assert.Single(RequestLines(host), l => l.StartsWith("HTTP GET /api/v1/jobs responded 200 in ", StringComparison.Ordinal)
            && l.Contains($"(correlation {generated};", StringComparison.Ordinal));
        Assert.DoesNotContain(RequestLines(host), l => l.Contains("mrs-smith", StringComparison.Ordinal));
        Assert.True(page.Headers.Contains("X-Correlation-ID"));
        Assert.Contains(RequestLines(host), l => l.StartsWith("HTTP GET /login responded 200", StringComparison.Ordinal));
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

        var anonymous = await host.Anonymous().GetAsync("/metrics");
        var scraped = await api.GetAsync("/metrics");
        var text = await scraped.Content.ReadAsStringAsync();

        Assert.NotEqual(HttpStatusCode.OK, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.OK, scraped.StatusCode);
        var (exitCode, promtool) = await Promtool.CheckMetricsAsync(text);
        Assert.True(exitCode == 0, $"promtool check metrics failed ({exitCode}):\n{promtool}");
        Assert.Contains("jobs_enqueued_total{kind=\"diag.noop\"} 1\n", text);
        Assert.Contains("jobs_queue_depth{queue=\"default\"} 1\n", text);
        Assert.Contains("# TYPE http_server_request_duration_seconds histogram", text);
    }

    [Fact]
    public async Task Passwords_and_api_keys_never_reach_the_logs()
    {
        await using var host = await ApiHost.StartAsync(new Dictionary<string, string> { ["Logging:LogLevel:Default"] = "Trace" });
        await CreateOperatorAsync(host, "olga", OperatorRole.Admin);
        var key = await host.CreateKeyAsync(ApiKeyRole.Operator);
        const string WrongPassword = "not-the-password-of-olga";
        using var browser = host.Anonymous();

        Assert.Equal(HttpStatusCode.OK, (await DashboardForms.SignInAsync(host.Anonymous(), "olga", WrongPassword)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await DashboardForms.SignInAsync(browser, "olga", Password)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/admin/api-keys")).StatusCode);
        using var api = host.Client(key);
        Assert.Equal(HttpStatusCode.Created, (await api.PostJsonAsync("/api/v1/jobs", """{"kind": "diag.noop"}""")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.Client(key + "x").GetAsync("/api/v1/jobs")).StatusCode);

        var logged = host.Logs.Lines
            .Select(l => string.Join(" ", [l.Message, l.Exception?.ToString(), .. l.Scope.Select(s => $"{s.Key}={s.Value}")]))
            .ToList();
        Assert.Contains(logged, l => l.Contains("HTTP POST /login responded 302", StringComparison.Ordinal));
        foreach (var secret in new[] { Password, WrongPassword, key, key.Split('_', 3)[2], TestKeys.WebhookSecretKey })
        {
            Assert.DoesNotContain(logged, l => l.Contains(secret, StringComparison.Ordinal));
        }
    }
}
