using System.Text.Json;

namespace Jobs.Dashboard.Apis.Contracts;

/// <summary>A webhook message to publish to every enabled endpoint subscribed to its event type.</summary>
public sealed record PublishWebhookRequest
{
    /// <summary>The event type, e.g. <c>invoice.paid</c> (letters, digits, <c>_ . : -</c>). Required.</summary>
    public string? EventType { get; init; }

    /// <summary>The data: a JSON object. Required.</summary>
    public JsonElement? Payload { get; init; }

    /// <summary>
    /// The message id receivers dedupe by (<c>webhook-id</c>); a new <c>msg_...</c> when omitted.
    /// Pass your event's own id to make publishing idempotent: a second publish returns the first (200).
    /// </summary>
    public string? MessageId { get; init; }
}

/// <summary>The result of a publish.</summary>
/// <param name="MessageId">The message id.</param>
/// <param name="Created">False when the message id had been published before (nothing new was enqueued).</param>
/// <param name="Deliveries">One <c>webhook.deliver</c> job per endpoint.</param>
public sealed record PublishWebhookResponse(string MessageId, bool Created, IReadOnlyList<WebhookDeliveryResponse> Deliveries);

/// <summary>A delivery of the message to one endpoint.</summary>
/// <param name="EndpointId">The endpoint.</param>
/// <param name="JobId">The job that delivers it.</param>
public sealed record WebhookDeliveryResponse(long EndpointId, long JobId);
