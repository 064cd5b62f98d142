using Jobs.Engine.Client;
using Jobs.Engine.States;

namespace Jobs.Webhooks;

/// <summary>Operator requeue of failed deliveries.</summary>
public sealed partial class WebhookEndpoints
{
    /// <summary>
    /// Delivers one message to one endpoint again: retries its dead (or cancelled) job, with one
    /// more attempt. When retention has pruned the job, enqueues a new one. Returns false when there
    /// is no such delivery, or its job is waiting or running already.
    /// </summary>
    /// <exception cref="InvalidOperationException">The endpoint is disabled: enable it first.</exception>
    public async Task<bool> RequeueDeliveryAsync(string messageId, long endpointId, CancellationToken cancellationToken = default)
    {
        await RequireEnabledAsync(endpointId, cancellationToken);
        if (await _store.DeliveryJobAsync(messageId, endpointId, cancellationToken) is not { } jobId)
        {
            return false;
        }
        if (await _jobs.RequeueAsync(jobId, cancellationToken))
        {
            return true;
        }
        if (await _jobs.GetAsync(jobId, cancellationToken) is not null)
        {
            return false;
        }
        // Pruned: its idempotency key went with it, so a new job with the same key takes its place.
        var job = await _jobs.EnqueueAsync(new WebhookDeliverArgs(messageId, endpointId), WebhookPublisher.OptionsFor(messageId, endpointId, null), cancellationToken);
        await _store.SetDeliveryJobAsync(messageId, endpointId, job.Id, cancellationToken);
        WebhookLog.Reenqueued(_logger, messageId, endpointId, job.Id);
        return true;
    }

    /// <summary>
    /// Requeues every delivery to an endpoint that failed (is dead) and finished at or after
    /// <paramref name="since"/>, in one statement; returns how many.
    /// </summary>
    /// <exception cref="InvalidOperationException">The endpoint is disabled: enable it first.</exception>
    public async Task<int> RequeueFailedAsync(long endpointId, DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        await RequireEnabledAsync(endpointId, cancellationToken);
        var count = await _jobs.RequeueManyAsync(new JobFilter
        {
            Kinds = [WebhookDeliverArgs.Kind],
            PartitionKey = PartitionKey(endpointId),
            States = [JobState.Dead],
            FinalizedFrom = since,
        }, cancellationToken);
        WebhookLog.Requeued(_logger, count, endpointId, since);
        return count;
    }

    private async Task RequireEnabledAsync(long endpointId, CancellationToken cancellationToken)
    {
        var endpoint = await _store.GetEndpointAsync(endpointId, cancellationToken)
            ?? throw new KeyNotFoundException($"There is no webhook endpoint {endpointId}.");
        if (!endpoint.Enabled)
        {
            // Requeued now, the deliveries would only end dead again without a request.
            throw new InvalidOperationException($"Webhook endpoint {endpointId} is disabled ({endpoint.DisabledReason}); enable it before requeueing its deliveries.");
        }
    }
}
