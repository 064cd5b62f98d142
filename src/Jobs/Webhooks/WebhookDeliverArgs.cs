using Jobs.Engine.Handlers;

namespace Jobs.Webhooks;

/// <summary>
/// Delivers one webhook message to one endpoint. Enqueued by <see cref="WebhookPublisher"/> (or
/// <c>webhook_publish</c> in SQL) with idempotency key <c>webhook:{MessageId}:{EndpointId}</c> and the
/// endpoint id as partition key.
/// </summary>
/// <param name="MessageId">The message, also the <c>webhook-id</c> header.</param>
/// <param name="EndpointId">The endpoint.</param>
public sealed record WebhookDeliverArgs(string MessageId, long EndpointId) : IJobArgs
{
    /// <inheritdoc />
    public static string Kind => "webhook.deliver";

    /// <summary>The idempotency key of the delivery of a message to an endpoint.</summary>
    public static string IdempotencyKeyFor(string messageId, long endpointId) => $"webhook:{messageId}:{endpointId}";
}
