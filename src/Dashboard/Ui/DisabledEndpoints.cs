using Jobs.Engine.Client;
using Jobs.Engine.Monitoring;
using Jobs.Webhooks;

namespace Jobs.Dashboard.Ui;

/// <summary>A disabled webhook endpoint some of the jobs about to be requeued deliver to.</summary>
/// <param name="Endpoint">The endpoint.</param>
/// <param name="Jobs">How many of the jobs deliver to it.</param>
public sealed record DisabledEndpointWarning(WebhookEndpoint Endpoint, CountResult Jobs)
{
    /// <summary>The endpoint's name.</summary>
    public string Name => WebhookDeliveryLabel.NameOf(Endpoint);
}

/// <summary>
/// The guard before a requeue: deliveries to a disabled endpoint, requeued, end dead at once without
/// a request (the Webhooks page refuses to requeue them for that reason). Bulk requeues warn, name
/// the endpoint, and offer to enable it.
/// </summary>
public static class DisabledEndpoints
{
    /// <summary>Disabled endpoints checked at most (there are seldom more than a few).</summary>
    public const int MaxChecked = 20;

    /// <summary>The disabled endpoints that jobs matching <paramref name="filter"/> deliver to, with how many.</summary>
    public static async Task<IReadOnlyList<DisabledEndpointWarning>> AmongAsync(JobFilter filter, WebhookEndpoints endpoints, JobsMonitor monitor,
        CancellationToken cancellationToken)
    {
        if (filter.Kinds is { } kinds && !kinds.Contains(WebhookDeliverArgs.Kind))
        {
            return [];
        }
        var warnings = new List<DisabledEndpointWarning>();
        var disabled = (await endpoints.ListAsync(cancellationToken))
            .Where(e => !e.Enabled && (filter.PartitionKey is null || filter.PartitionKey == WebhookEndpoints.PartitionKey(e.Id)))
            .Take(MaxChecked);
        foreach (var endpoint in disabled)
        {
            var count = await monitor.CountAsync(filter with { Kinds = [WebhookDeliverArgs.Kind], PartitionKey = WebhookEndpoints.PartitionKey(endpoint.Id) },
                cancellationToken);
            if (count.Jobs > 0)
            {
                warnings.Add(new DisabledEndpointWarning(endpoint, count));
            }
        }
        return warnings;
    }
}
