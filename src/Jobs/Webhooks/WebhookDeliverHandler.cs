using Jobs.Engine.Handlers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using static Jobs.Webhooks.WebhookAttemptResult;

namespace Jobs.Webhooks;

/// <summary>
/// Delivers one message to one endpoint. 2xx: delivered. 410: the endpoint is disabled and the
/// delivery dead. 429/503 with Retry-After: retried no sooner. Anything else (other statuses,
/// redirects, network errors, timeouts, an open breaker): retried on the kind's Svix-like
/// schedule, then dead. A refused address (SSRF guard) or a disabled endpoint: dead at once, with
/// the reason and without a request.
/// </summary>
/// <remarks>
/// Idempotent: a delivery recorded as delivered is not sent again, and every attempt carries the
/// same <c>webhook-id</c>, so a receiver can drop the duplicate that at-least-once execution may
/// still produce (a crash between the 2xx and its record).
/// </remarks>
internal sealed class WebhookDeliverHandler(
    WebhookStore store,
    WebhookSecrets secrets,
    WebhookSender sender,
    WebhookEndpoints endpoints,
    IOptions<WebhooksOptions> options,
    AppMetrics metrics,
    TimeProvider time,
    ILogger<WebhookDeliverHandler> logger) : IJobHandler<WebhookDeliverArgs>
{
    public async Task ExecuteAsync(JobContext<WebhookDeliverArgs> job, CancellationToken cancellationToken)
    {
        var (messageId, endpointId) = job.Args;
        var delivery = await store.LoadDeliveryAsync(messageId, endpointId, cancellationToken)
            ?? throw new PermanentJobFailureException($"Webhook {messageId} to endpoint {endpointId}: the delivery no longer exists (message or endpoint deleted).");
        if (delivery.Status == "delivered")
        {
            WebhookLog.AlreadyDelivered(logger, messageId, endpointId);
            return;
        }
        if (!delivery.Enabled)
        {
            var reason = $"Not sent: webhook endpoint {endpointId} is disabled ({delivery.DisabledReason}). Enable it, then requeue.";
            await RecordAsync(job, new(SkippedOutcome, null, null, reason), final: true);
            WebhookLog.SkippedDisabled(logger, messageId, endpointId);
            throw new PermanentJobFailureException(reason);
        }

        var url = new Uri(delivery.Url);
        var body = WebhookBody.Build(delivery.EventType, delivery.CreatedAt, delivery.Payload);
        var result = await sender.SendAsync(endpointId, url, messageId, body, Secrets(delivery), cancellationToken);

        if (result.IsDelivered)
        {
            await RecordAsync(job, result, final: true);
            WebhookLog.Delivered(logger, messageId, endpointId, url.Host, result.StatusCode!.Value, result.LatencyMs!.Value);
            return;
        }

        var now = time.GetUtcNow();
        var failingSince = delivery.FailingSince is { } since ? new DateTimeOffset(since, TimeSpan.Zero) : now;
        var failingTooLong = now - failingSince >= options.Value.DisableAfter;
        var final = result.Outcome is GoneOutcome or BlockedOutcome || failingTooLong || job.IsLastAttempt;
        await RecordAsync(job, result, final);
        WebhookLog.AttemptFailed(logger, messageId, endpointId, url.Host, job.Attempt, result.Error!);

        switch (result.Outcome)
        {
            case GoneOutcome:
                await endpoints.DisableAsync(endpointId, $"The endpoint answered 410 Gone at {now:u}.", CancellationToken.None);
                throw new PermanentJobFailureException($"{result.Error} Endpoint {endpointId} is disabled.");
            case BlockedOutcome:
                WebhookLog.Refused(logger, messageId, endpointId, result.Error!);
                throw new PermanentJobFailureException(result.Error!);
        }
        if (failingTooLong)
        {
            var reason = $"Every attempt failed since {failingSince:u} ({options.Value.DisableAfter} or longer, App:Webhooks:DisableAfter); last error: {result.Error}";
            await endpoints.DisableAsync(endpointId, reason, CancellationToken.None);
            throw new PermanentJobFailureException($"{result.Error} Endpoint {endpointId} is disabled: it has failed since {failingSince:u}.");
        }
        if (result.RetryAfter is { } retryAfter)
        {
            throw new RetryJobException(result.Error!, retryAfter);
        }
        throw new WebhookDeliveryException(result.Error!);
    }

    /// <summary>The secrets to sign with: the current one, and the previous one until its overlap ends.</summary>
    private List<string> Secrets(WebhookStore.DeliveryRow delivery)
    {
        var list = new List<string> { secrets.Unprotect(delivery.Secret) };
        if (delivery.PreviousSecret is { } previous && delivery.PreviousSecretExpiresAt > time.GetUtcNow().UtcDateTime)
        {
            list.Add(secrets.Unprotect(previous));
        }
        return list;
    }

    // Written without the job's token: once a request went out, its result is recorded even when
    // shutdown or a timeout fires meanwhile (the write itself is bounded by the command timeout).
    private Task RecordAsync(JobContext<WebhookDeliverArgs> job, WebhookAttemptResult result, bool final)
    {
        metrics.WebhookAttempt(result.Outcome, result.LatencyMs);
        return store.RecordAttemptAsync(new WebhookStore.AttemptRecord(
            job.Args.MessageId, job.Args.EndpointId, job.Attempt, job.Id, time.GetUtcNow(), result.Outcome,
            result.IsDelivered ? "delivered" : final ? "failed" : "pending",
            result.StatusCode, result.LatencyMs, result.Error), CancellationToken.None);
    }
}
