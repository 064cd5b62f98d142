using Microsoft.Extensions.Logging;

namespace Jobs.Webhooks;

/// <summary>
/// The webhook job's log lines (event ids 3200-3299). They name endpoints by id and host only:
/// never a secret, a signature or a full URL (URLs often carry tokens in their query).
/// </summary>
internal static partial class WebhookLog
{
    [LoggerMessage(EventId = 3200, Level = LogLevel.Debug, Message = "Webhook {MessageId} delivered to endpoint {EndpointId} ({Host}) with {StatusCode} in {LatencyMs:0.0} ms")]
    public static partial void Delivered(ILogger logger, string messageId, long endpointId, string host, int statusCode, double latencyMs);

    [LoggerMessage(EventId = 3201, Level = LogLevel.Debug, Message = "Webhook {MessageId} to endpoint {EndpointId} ({Host}) failed on attempt {Attempt}: {Error}")]
    public static partial void AttemptFailed(ILogger logger, string messageId, long endpointId, string host, int attempt, string error);

    [LoggerMessage(EventId = 3202, Level = LogLevel.Warning, Message = "Webhook endpoint {EndpointId} disabled: {Reason}")]
    public static partial void EndpointDisabled(ILogger logger, long endpointId, string reason);

    [LoggerMessage(EventId = 3203, Level = LogLevel.Information, Message = "Webhook endpoint {EndpointId} enabled")]
    public static partial void EndpointEnabled(ILogger logger, long endpointId);

    [LoggerMessage(EventId = 3204, Level = LogLevel.Information, Message = "Secret of webhook endpoint {EndpointId} rotated; the previous secret is signed with until {PreviousExpiresAt:u}")]
    public static partial void SecretRotated(ILogger logger, long endpointId, DateTimeOffset previousExpiresAt);

    [LoggerMessage(EventId = 3205, Level = LogLevel.Information, Message = "Webhook endpoint {EndpointId} created for {Host}")]
    public static partial void EndpointCreated(ILogger logger, long endpointId, string host);

    [LoggerMessage(EventId = 3206, Level = LogLevel.Debug, Message = "Webhook message {MessageId} ({EventType}) published to {Endpoints} endpoints")]
    public static partial void Published(ILogger logger, string messageId, string eventType, int endpoints);

    [LoggerMessage(EventId = 3207, Level = LogLevel.Information, Message = "Requeued {Count} failed deliveries to webhook endpoint {EndpointId} finished since {Since:u}")]
    public static partial void Requeued(ILogger logger, int count, long endpointId, DateTimeOffset since);

    [LoggerMessage(EventId = 3208, Level = LogLevel.Warning, Message = "Webhook {MessageId} to endpoint {EndpointId} refused by the SSRF guard: {Reason}")]
    public static partial void Refused(ILogger logger, string messageId, long endpointId, string reason);

    [LoggerMessage(EventId = 3209, Level = LogLevel.Debug, Message = "Webhook {MessageId} to endpoint {EndpointId} was delivered already; not sent again")]
    public static partial void AlreadyDelivered(ILogger logger, string messageId, long endpointId);

    [LoggerMessage(EventId = 3210, Level = LogLevel.Information, Message = "Webhook {MessageId} to endpoint {EndpointId} not sent: the endpoint is disabled")]
    public static partial void SkippedDisabled(ILogger logger, string messageId, long endpointId);

    [LoggerMessage(EventId = 3211, Level = LogLevel.Information, Message = "Webhook {MessageId} redelivery to endpoint {EndpointId} enqueued as job {JobId} (its earlier job was pruned)")]
    public static partial void Reenqueued(ILogger logger, string messageId, long endpointId, long jobId);

    [LoggerMessage(EventId = 3212, Level = LogLevel.Information, Message = "Webhook endpoint {EndpointId} changed (now for {Host})")]
    public static partial void EndpointUpdated(ILogger logger, long endpointId, string host);

    [LoggerMessage(EventId = 3213, Level = LogLevel.Information, Message = "Webhook endpoint {EndpointId} deleted; {Cancelled} queued deliveries cancelled")]
    public static partial void EndpointDeleted(ILogger logger, long endpointId, int cancelled);
}
