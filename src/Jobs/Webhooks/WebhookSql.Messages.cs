namespace Jobs.Webhooks;

internal sealed partial class WebhookSql
{
    public string GetMessage { get; } = $"""
        select id, event_type as EventType, payload::text as Payload, created_at as CreatedAt from {s}.webhook_message where id = @id
        """;

    // A message's deliveries, one per endpoint it went to (the primary key leads with the message).
    public string MessageDeliveryStatus { get; } = $"""
        select endpoint_id as EndpointId, job_id as JobId, status, attempts, last_status_code as LastStatusCode, last_error as LastError,
               last_attempt_at as LastAttemptAt, delivered_at as DeliveredAt
          from {s}.webhook_delivery where message_id = @id order by endpoint_id
        """;
}
