using System.Net;
using System.Text.Json;
using Jobs.Engine.Client;
using Jobs.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Jobs.Hosting.Tests;

/// <summary>The correlation id a request carries: accepted when sensible, replaced when not, echoed, logged and given to the jobs it enqueues.</summary>
public sealed class RequestContextTests : IAsyncLifetime
{
    private TestSchema _schema = null!;
    private HostingApp _app = null!;

    public async Task InitializeAsync()
    {
        _schema = await TestSchema.CreateAsync(migrate: false);
        _app = await HostingApp.StartAsync(_schema, map: app =>
        {
            app.MapGet("/correlation", () => JobCorrelation.CurrentId);
            app.MapPost("/enqueue", async (IJobClient jobs) => (await jobs.EnqueueAsync(new JobRequest("diag.noop", JsonDocument.Parse("{}").RootElement))).Id);
        });
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _schema.DisposeAsync();
    }

    private async Task<(HttpResponseMessage Response, string Seen)> SendAsync(string? correlationId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/correlation");
        if (correlationId is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Correlation-ID", correlationId);
        }
        var response = await _app.Http.SendAsync(request);
        return (response, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_sensible_caller_id_is_kept_echoed_and_on_the_requests_log_event()
    {
        var (response, seen) = await SendAsync("checkout-42.retry_1");

        Assert.Equal("checkout-42.retry_1", seen);
        Assert.Equal("checkout-42.retry_1", response.Headers.GetValues("X-Correlation-ID").Single());
        Assert.Contains(_app.Logs.Lines, l => l.Category == "Serilog.AspNetCore.RequestLoggingMiddleware"
            && l.Message.StartsWith("HTTP GET /correlation responded 200 in ", StringComparison.Ordinal)
            && l.Message.EndsWith("(correlation checkout-42.retry_1; Slow=False)", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("has spaces and \"quotes\"")]
    [InlineData("line\u0001break")]
    public async Task A_missing_or_unusable_caller_id_is_replaced_by_a_fresh_one(string? offered)
    {
        var (response, seen) = await SendAsync(offered);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Matches("^[0-9a-f]{32}$", seen);
        Assert.Equal(seen, response.Headers.GetValues("X-Correlation-ID").Single());
    }

    [Fact]
    public async Task An_overlong_caller_id_is_replaced_and_never_logged()
    {
        var offered = new string('x', 5_000);
        var (_, seen) = await SendAsync(offered);

        Assert.Matches("^[0-9a-f]{32}$", seen);
        Assert.DoesNotContain(_app.Logs.Lines, l => l.Message.Contains(offered[..200], StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_job_enqueued_while_handling_the_request_carries_its_correlation_id()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/enqueue");
        request.Headers.Add("X-Correlation-ID", "invoice-9");
        var id = long.Parse(await (await _app.Http.SendAsync(request)).Content.ReadAsStringAsync(), System.Globalization.CultureInfo.InvariantCulture);

        var job = await _app.Services.GetRequiredService<IJobClient>().GetAsync(id);
        Assert.Equal("invoice-9", job!.CorrelationId);
    }
}
