using System.Net;
using Jobs.Dashboard.Tests.Api;
using Jobs.Engine.Handlers;
using Jobs.Engine.States;
using Jobs.Testing;
using Jobs.Webhooks;
using Microsoft.Extensions.DependencyInjection;

namespace Jobs.Dashboard.Tests;

/// <summary>
/// The job list reads as an operator needs: a job that succeeded after a failed attempt does not
/// show that error in red, and a webhook delivery names its endpoint and links to its message.
/// </summary>
public sealed class ReadableRowsTests : ApiTest
{
    [Fact]
    public async Task A_job_that_succeeded_after_a_failed_attempt_shows_the_error_as_history_not_in_red()
    {
        await using var server = await TestEngine.StartAsync(Host.Schema, jobs => jobs.AddHandler<FlakyOnceHandler, FlakyOnceArgs>(kind =>
            kind.Retry = new RetryOptions { BaseDelay = TimeSpan.FromMilliseconds(10), MaxDelay = TimeSpan.FromMilliseconds(10), Jitter = 0 }));
        var recovered = (await server.Client.EnqueueAsync(new FlakyOnceArgs("first try breaks"))).Id;
        var broken = (await server.Client.EnqueueAsync(new FlakyOnceArgs("always breaks", Always: true), new() { MaxAttempts = 1 })).Id;
        await Eventually.TrueAsync(async () => (await server.Client.GetAsync(recovered))?.State == JobState.Succeeded
            && (await server.Client.GetAsync(broken))?.State == JobState.Dead, "the jobs to finish");
        using var browser = await Host.OperatorAsync();

        var html = await browser.GetStringAsync("/jobs");
        var recoveredRow = Row(html, recovered);
        var brokenRow = Row(html, broken);

        Assert.DoesNotContain("cell-error", recoveredRow);
        Assert.Contains("cell-earlier", recoveredRow);
        Assert.Contains("succeeded on attempt 2", recoveredRow);
        Assert.Contains("first try breaks", recoveredRow);
        Assert.Contains("class=\"cell-error\"", brokenRow);
        Assert.Contains("always breaks", brokenRow);
    }

    [Fact]
    public async Task A_webhook_delivery_shows_its_endpoints_name_and_links_to_its_message()
    {
        var endpoints = Host.Services.GetRequiredService<WebhookEndpoints>();
        var named = await endpoints.CreateAsync("https://hooks.example.com/orders", description: "Orders service");
        var unnamed = await endpoints.CreateAsync("https://billing.example.com/in");
        var published = await Host.Services.GetRequiredService<WebhookPublisher>().PublishAsync("invoice.paid", new { invoice = 7 });
        var toNamed = published.Deliveries.Single(d => d.EndpointId == named.EndpointId).JobId;
        var toUnnamed = published.Deliveries.Single(d => d.EndpointId == unnamed.EndpointId).JobId;
        using var browser = await Host.OperatorAsync();

        var list = await browser.GetStringAsync("/jobs?kind=webhook.deliver");
        var detail = await browser.GetStringAsync($"/jobs/{toNamed}");
        var message = await browser.GetAsync($"/webhooks/messages/{published.MessageId}");
        var messageHtml = await message.Content.ReadAsStringAsync();

        Assert.Contains(">Orders service</a>", Row(list, toNamed));
        Assert.Contains($"href=\"/webhooks/messages/{published.MessageId}\"", Row(list, toNamed));
        Assert.Contains(">billing.example.com/in</a>", Row(list, toUnnamed));
        Assert.Contains("Webhook delivery", detail);
        Assert.Contains(">Orders service</a>", detail);
        Assert.DoesNotContain("Partition key", detail);
        Assert.Equal(HttpStatusCode.OK, message.StatusCode);
        Assert.Contains("invoice.paid", messageHtml);
        Assert.Contains("&quot;invoice&quot;: 7", messageHtml);
        Assert.Contains($"href=\"/jobs/{toNamed}\"", messageHtml);
        Assert.Contains("Orders service", messageHtml);
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync("/webhooks/messages/msg_nothing")).StatusCode);
    }

    /// <summary>The table row of one job.</summary>
    private static string Row(string html, long id)
    {
        var start = html.IndexOf($"<tr data-job=\"{id}\"", StringComparison.Ordinal);
        Assert.True(start >= 0, $"job {id} is on the page");
        return html[start..html.IndexOf("</tr>", start, StringComparison.Ordinal)];
    }

    public sealed record FlakyOnceArgs(string Message, bool Always = false) : IJobArgs
    {
        public static string Kind => "test.flaky-once";
    }

    public sealed class FlakyOnceHandler : IJobHandler<FlakyOnceArgs>
    {
        public Task ExecuteAsync(JobContext<FlakyOnceArgs> job, CancellationToken cancellationToken) =>
            job.Attempt == 1 || job.Args.Always ? throw new InvalidOperationException(job.Args.Message) : Task.CompletedTask;
    }
}
