using System.Net;
using System.Text.RegularExpressions;
using Jobs.Dashboard.Tests.Api;
using Jobs.Engine.Diagnostics;
using Jobs.Engine.States;
using Jobs.Operators;
using Jobs.Webhooks;
using Microsoft.Extensions.DependencyInjection;

namespace Jobs.Dashboard.Tests;

/// <summary>
/// Group actions show what they will do before doing it: how many jobs they change, and, for a
/// requeue, the disabled webhook endpoints among the deliveries, with an offer to enable them.
/// </summary>
public sealed partial class RequeueGuardTests : ApiTest
{
    [Fact]
    public async Task Requeue_all_warns_of_a_disabled_endpoint_and_an_admin_enables_it_from_the_warning()
    {
        var endpoints = Host.Services.GetRequiredService<WebhookEndpoints>();
        var endpoint = await endpoints.CreateAsync("https://hooks.example.com/orders", description: "Orders service");
        var healthy = await endpoints.CreateAsync("https://hooks.example.com/billing");
        var published = await Host.Services.GetRequiredService<WebhookPublisher>().PublishAsync("order.created", new { order = 1 });
        foreach (var delivery in published.Deliveries)
        {
            await Host.Jobs.CancelAsync(delivery.JobId);
        }
        await endpoints.DisableAsync(endpoint.EndpointId, "receiver gone");
        using var admin = await Host.OperatorAsync(OperatorRole.Admin, "ada");
        using var operatorClient = await Host.OperatorAsync(OperatorRole.Operator, "olga");
        const string preview = "/jobs/bulk?state=cancelled&kind=webhook.deliver&action=requeue";

        var adminHtml = await admin.GetStringAsync(preview);
        var operatorHtml = await operatorClient.GetStringAsync(preview);
        var enabled = await DashboardForms.PostAsync(admin, "/jobs/bulk?handler=EnableEndpoint", DashboardForms.TokenIn(adminHtml),
            ("id", endpoint.EndpointId.ToString()), ("back", preview));
        var operatorEnable = await DashboardForms.PostAsync(operatorClient, "/jobs/bulk?handler=EnableEndpoint", DashboardForms.TokenIn(operatorHtml),
            ("id", endpoint.EndpointId.ToString()), ("back", preview));
        var after = await admin.GetStringAsync(preview);

        Assert.Contains("2 jobs will be requeued", adminHtml);
        Assert.Contains($"data-disabled-endpoint=\"{endpoint.EndpointId}\"", adminHtml);
        Assert.DoesNotContain($"data-disabled-endpoint=\"{healthy.EndpointId}\"", adminHtml);
        Assert.Contains("1 of these job deliver to webhook endpoint <strong>Orders service</strong>", adminHtml);
        Assert.Contains($"Enable endpoint #{endpoint.EndpointId}", adminHtml);
        Assert.Contains("__RequestVerificationToken", FormAfter(adminHtml, "handler=EnableEndpoint"));
        Assert.DoesNotContain($"Enable endpoint #{endpoint.EndpointId}", operatorHtml);
        Assert.Contains("An admin can enable it", operatorHtml);
        Assert.Equal(HttpStatusCode.Redirect, enabled.StatusCode);
        Assert.Equal(preview, enabled.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.Forbidden, operatorEnable.StatusCode);
        Assert.True((await endpoints.GetAsync(endpoint.EndpointId))!.Enabled);
        Assert.DoesNotContain("data-disabled-endpoint=", after);
        Assert.Equal("webhooks.enable", (await Host.Services.GetRequiredService<AuditLog>().ListAsync()).First().Action);
    }

    [Fact]
    public async Task Requeueing_ticked_deliveries_warns_of_their_disabled_endpoint_in_the_confirmation()
    {
        var endpoints = Host.Services.GetRequiredService<WebhookEndpoints>();
        var endpoint = await endpoints.CreateAsync("https://hooks.example.com/orders");
        var published = await Host.Services.GetRequiredService<WebhookPublisher>().PublishAsync("order.created", new { order = 2 });
        var job = published.Deliveries.Single().JobId;
        await Host.Jobs.CancelAsync(job);
        await endpoints.DisableAsync(endpoint.EndpointId, "receiver gone");
        using var browser = await Host.OperatorAsync();

        var confirm = await DashboardForms.PostAsync(browser, "/jobs?handler=Selected", await DashboardForms.TokenAsync(browser, "/jobs"),
            ("action", "requeue"), ("ids", job.ToString()));
        var html = await confirm.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, confirm.StatusCode);
        Assert.Contains("1 job will be requeued", html);
        Assert.Contains($"data-disabled-endpoint=\"{endpoint.EndpointId}\"", html);
        Assert.Contains("__RequestVerificationToken", FormAfter(html, "name=\"confirm\" value=\"yes\""));
        Assert.Equal(JobState.Cancelled, (await Host.Jobs.GetAsync(job))!.State);
    }

    [Fact]
    public async Task Ticked_jobs_in_a_state_the_action_leaves_alone_are_not_counted_in_the_confirmation()
    {
        var waiting = (await Host.Jobs.EnqueueAsync(new NoopArgs())).Id;
        var cancelled = (await Host.Jobs.EnqueueAsync(new NoopArgs())).Id;
        await Host.Jobs.CancelAsync(cancelled);
        using var browser = await Host.OperatorAsync();
        var token = await DashboardForms.TokenAsync(browser, "/jobs");

        var requeue = await (await DashboardForms.PostAsync(browser, "/jobs?handler=Selected", token,
            ("action", "requeue"), ("ids", waiting.ToString()), ("ids", cancelled.ToString()))).Content.ReadAsStringAsync();
        var delete = await (await DashboardForms.PostAsync(browser, "/jobs?handler=Selected", token,
            ("action", "delete"), ("ids", waiting.ToString()), ("ids", cancelled.ToString()))).Content.ReadAsStringAsync();

        Assert.Contains("1 job will be requeued; the other 1 are in a state this leaves alone", requeue);
        Assert.Contains("2 jobs will be deleted", delete);
        Assert.NotNull(await Host.Jobs.GetAsync(waiting));
        Assert.NotNull(await Host.Jobs.GetAsync(cancelled));
    }

    [Fact]
    public async Task An_operator_requeues_an_endpoints_failed_deliveries_on_the_webhooks_page_and_only_an_admin_disables_it()
    {
        var endpoints = Host.Services.GetRequiredService<WebhookEndpoints>();
        var endpoint = await endpoints.CreateAsync("https://hooks.example.com/orders");
        using var operatorClient = await Host.OperatorAsync(OperatorRole.Operator, "olga");
        var token = await DashboardForms.TokenAsync(operatorClient, "/webhooks");

        var requeue = await DashboardForms.PostAsync(operatorClient, "/webhooks?handler=Requeue", token, ("id", endpoint.EndpointId.ToString()));
        var disable = await DashboardForms.PostAsync(operatorClient, "/webhooks?handler=Disable", token, ("id", endpoint.EndpointId.ToString()));

        Assert.Equal(HttpStatusCode.Redirect, requeue.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, disable.StatusCode);
        Assert.True((await endpoints.GetAsync(endpoint.EndpointId))!.Enabled);
        Assert.Equal("webhooks.requeue_failed", (await Host.Services.GetRequiredService<AuditLog>().ListAsync()).First().Action);
    }

    [Fact]
    public async Task A_dead_letter_group_is_requeued_through_a_preview_of_its_count()
    {
        await using var server = await Testing.TestEngine.StartAsync(Host.Schema, jobs => jobs.AddDiagnosticJobs());
        var dead = new List<long>();
        for (var i = 0; i < 3; i++)
        {
            dead.Add((await server.Client.EnqueueAsync(new FailArgs("card declined", Permanent: true))).Id);
        }
        await Testing.Eventually.TrueAsync(async () => (await Task.WhenAll(dead.Select(id => server.Client.GetAsync(id))))
            .All(j => j?.State == JobState.Dead), "the jobs to die");
        using var browser = await Host.OperatorAsync();

        var groups = await browser.GetStringAsync("/dead-letter");
        var link = WebUtility.HtmlDecode(RequeueLink().Match(groups).Groups[1].Value);
        var preview = await browser.GetStringAsync(link);

        Assert.StartsWith("/jobs/bulk?state=dead&kind=diag.fail&error=", link);
        Assert.DoesNotContain("handler=Requeue", groups);
        Assert.Contains("3 jobs will be requeued", preview);
        Assert.All(await Task.WhenAll(dead.Select(id => Host.Jobs.GetAsync(id))), j => Assert.Equal(JobState.Dead, j!.State));
    }

    /// <summary>The rest of the form in which <paramref name="marker"/> stands (each form must carry its own antiforgery token).</summary>
    private static string FormAfter(string html, string marker)
    {
        var start = html.IndexOf(marker, StringComparison.Ordinal);
        Assert.True(start >= 0, $"'{marker}' is on the page");
        return html[start..html.IndexOf("</form>", start, StringComparison.Ordinal)];
    }

    [GeneratedRegex("href=\"([^\"]+)\">Requeue group…</a>")]
    private static partial Regex RequeueLink();
}
