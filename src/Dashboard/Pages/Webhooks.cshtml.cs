using System.Globalization;
using Jobs.Dashboard.Security;
using Jobs.Dashboard.Ui;
using Jobs.Webhooks;
using Microsoft.AspNetCore.Mvc;

namespace Jobs.Dashboard.Pages;

/// <summary>
/// Webhook endpoints: success rate and last error, requeue of failed deliveries since a time
/// (operators), enable and disable (admins). Creating, editing, deleting and rotating the secret are
/// on each endpoint's page (<see cref="EndpointsModel"/>).
/// </summary>
public sealed class WebhooksModel(WebhookEndpoints endpoints) : DashboardPage
{
    public IReadOnlyList<(WebhookEndpoint Endpoint, WebhookEndpointStats Stats)> Endpoints { get; private set; } = [];
    public string DefaultSince => (Now - TimeSpan.FromDays(1)).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture);

    protected override string PostPolicyFor(string? handler) =>
        // Razor Pages name a handler by its name in the form ("Requeue"), not by its method.
        handler is "Requeue" ? DashboardPolicies.Operator : DashboardPolicies.Admin;

    public Task OnGetAsync(CancellationToken cancellationToken) => LoadAsync(cancellationToken);

    public async Task<IActionResult> OnPostRequeueAsync(long id, DateTime? since, CancellationToken cancellationToken)
    {
        var from = new DateTimeOffset(DateTime.SpecifyKind(since ?? (Now - TimeSpan.FromDays(1)).UtcDateTime, DateTimeKind.Utc));
        try
        {
            var count = await endpoints.RequeueFailedAsync(id, from, cancellationToken);
            await AuditAsync("webhooks.requeue_failed", $"endpoint {id} since {Format.Utc(from)}", count);
            return Done($"Requeued {Format.Number(count)} failed deliver{(count == 1 ? "y" : "ies")} to endpoint #{id}.");
        }
        catch (Exception e) when (e is InvalidOperationException or KeyNotFoundException)
        {
            return Failed(e.Message);
        }
    }

    public async Task<IActionResult> OnPostDisableAsync(long id, CancellationToken cancellationToken)
    {
        if (!await endpoints.DisableAsync(id, $"disabled by {User.Identity?.Name}", cancellationToken))
        {
            return Failed($"Endpoint #{id} is disabled already, or does not exist.");
        }
        await AuditAsync("webhooks.disable", $"endpoint {id}");
        return Done($"Disabled endpoint #{id}: nothing is sent to it until it is enabled.");
    }

    public async Task<IActionResult> OnPostEnableAsync(long id, CancellationToken cancellationToken)
    {
        if (!await endpoints.EnableAsync(id, cancellationToken))
        {
            return Failed($"There is no endpoint #{id}.");
        }
        await AuditAsync("webhooks.enable", $"endpoint {id}");
        return Done($"Enabled endpoint #{id}. Requeue its failed deliveries if they should still arrive.");
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var since = Now - TimeSpan.FromDays(1);
        var stats = await endpoints.GetAllStatsAsync(since, cancellationToken);
        Endpoints = (await endpoints.ListAsync(cancellationToken))
            .Select(e => (e, stats.TryGetValue(e.Id, out var s) ? s : new WebhookEndpointStats(0, 0, null, null)))
            .ToList();
    }
}
