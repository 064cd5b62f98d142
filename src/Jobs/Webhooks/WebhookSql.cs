namespace Jobs.Webhooks;

/// <summary>Every statement of the webhook job, by name, for one business schema (see <c>0003_webhooks.sql</c>).</summary>
internal sealed partial class WebhookSql(string s)
{
    private const string EndpointColumns =
        "e.id, e.url, e.description, e.event_types as EventTypes, e.enabled, e.disabled_reason as DisabledReason, " +
        "e.disabled_at as DisabledAt, e.failing_since as FailingSince, e.previous_secret_expires_at as PreviousSecretExpiresAt, " +
        "e.created_at as CreatedAt";

    public string InsertEndpoint { get; } = $"""
        insert into {s}.webhook_endpoint (url, description, event_types, secret)
        values (@url, @description, @eventTypes, @secret)
        returning id
        """;

    public string GetEndpoint { get; } = $"select {EndpointColumns} from {s}.webhook_endpoint e where e.id = @id";

    public string ListEndpoints { get; } = $"select {EndpointColumns} from {s}.webhook_endpoint e order by e.id";

    // Two secrets at most: rotating again within the overlap drops the oldest.
    public string RotateSecret { get; } = $"""
        update {s}.webhook_endpoint
           set previous_secret = secret, previous_secret_expires_at = @expiresAt, secret = @secret, updated_at = now()
         where id = @id
        """;

    // A null field stays as it is. A new URL is a new receiver: its failing run starts over.
    public string UpdateEndpoint { get; } = $"""
        update {s}.webhook_endpoint
           set failing_since = case when @url is not null and @url <> url then null else failing_since end,
               url = coalesce(@url, url), description = coalesce(@description, description),
               event_types = case when @setEventTypes then @eventTypes else event_types end, updated_at = now()
         where id = @id
        """;

    // Its deliveries, attempts and hourly counts go with it (on delete cascade).
    public string DeleteEndpoint { get; } = $"delete from {s}.webhook_endpoint where id = @id";

    // Only an enabled endpoint is disabled, so the first reason (410, long failure, operator) stays.
    public string DisableEndpoint { get; } = $"""
        update {s}.webhook_endpoint
           set enabled = false, disabled_reason = @reason, disabled_at = @at, updated_at = now()
         where id = @id and enabled
        """;

    public string EnableEndpoint { get; } = $"""
        update {s}.webhook_endpoint
           set enabled = true, disabled_reason = null, disabled_at = null, failing_since = null, updated_at = now()
         where id = @id
        """;

    public string InsertMessage { get; } = $"""
        insert into {s}.webhook_message (id, event_type, payload)
        values (@id, @eventType, @payload::jsonb)
        on conflict (id) do nothing
        """;

    // No lock: an endpoint disabled while a publish commits gets a delivery that ends, unsent, when
    // its job sees the endpoint disabled.
    public string SubscribedEndpoints { get; } = $"""
        select id from {s}.webhook_endpoint
         where enabled and (event_types is null or @eventType = any (event_types))
         order by id
        """;

    public string InsertDeliveries { get; } = $"""
        insert into {s}.webhook_delivery (message_id, endpoint_id, job_id)
        select @messageId, u.endpoint_id, u.job_id from unnest(@endpointIds, @jobIds) as u(endpoint_id, job_id)
        on conflict (message_id, endpoint_id) do nothing
        """;

    public string MessageDeliveries { get; } = $"""
        select endpoint_id as EndpointId, job_id as JobId from {s}.webhook_delivery where message_id = @messageId order by endpoint_id
        """;

    public string DeliveryJob { get; } = $"""
        select job_id from {s}.webhook_delivery where message_id = @messageId and endpoint_id = @endpointId
        """;

    public string SetDeliveryJob { get; } = $"""
        update {s}.webhook_delivery set job_id = @jobId, status = 'pending' where message_id = @messageId and endpoint_id = @endpointId
        """;

    // What one attempt needs: the message, the endpoint with its encrypted secrets, the delivery's status.
    public string LoadDelivery { get; } = $"""
        select m.event_type as EventType, m.payload::text as Payload, m.created_at as CreatedAt,
               e.url, e.enabled, e.disabled_reason as DisabledReason, e.secret, e.previous_secret as PreviousSecret,
               e.previous_secret_expires_at as PreviousSecretExpiresAt, e.failing_since as FailingSince, d.status
          from {s}.webhook_delivery d
          join {s}.webhook_message m on m.id = d.message_id
          join {s}.webhook_endpoint e on e.id = d.endpoint_id
         where d.message_id = @messageId and d.endpoint_id = @endpointId
        """;

    // One attempt, in one statement: its row, the delivery's summary, and the endpoint's failing
    // run (started by the first failure, ended by any delivery).
    public string RecordAttempt { get; } = $"""
        with attempt as (
            insert into {s}.webhook_attempt (message_id, endpoint_id, attempt, job_id, attempted_at, outcome, status_code, latency_ms, error)
            values (@messageId, @endpointId, @attempt, @jobId, @at, @outcome, @statusCode, @latencyMs, @error)
        ), hour as (
            insert into {s}.webhook_endpoint_hour as h (endpoint_id, hour, attempts, delivered)
            values (@endpointId, date_trunc('hour', @at::timestamptz), 1, (@outcome = 'delivered')::int)
            on conflict (endpoint_id, hour) do update
               set attempts = h.attempts + 1, delivered = h.delivered + excluded.delivered
        ), delivery as (
            update {s}.webhook_delivery
               set status = @status, attempts = attempts + 1, last_status_code = @statusCode, last_error = @error,
                   last_latency_ms = @latencyMs, last_attempt_at = @at, job_id = @jobId,
                   delivered_at = case when @status = 'delivered' then @at end
             where message_id = @messageId and endpoint_id = @endpointId
        )
        update {s}.webhook_endpoint
           set failing_since = case when @outcome = 'delivered' then null else coalesce(failing_since, @at) end
         where id = @endpointId
        """;

    // Success over whole hours (the window starts at the top of the hour @since falls in), and the
    // latest failure since @since, for the endpoints named (all when null).
    public string EndpointStats { get; } = $"""
        select e.id as EndpointId, coalesce(c.attempts, 0) as Attempts, coalesce(c.delivered, 0) as Delivered,
               l.error as LastError, l.attempted_at as LastErrorAt
          from {s}.webhook_endpoint e
          left join lateral (
                select sum(h.attempts) as attempts, sum(h.delivered) as delivered
                  from {s}.webhook_endpoint_hour h
                 where h.endpoint_id = e.id and h.hour >= date_trunc('hour', @since::timestamptz)) c on true
          left join lateral (
                select f.error, f.attempted_at from {s}.webhook_attempt f
                 where f.endpoint_id = e.id and f.attempted_at >= @since and f.outcome <> 'delivered'
                 order by f.attempted_at desc
                 limit 1) l on true
         where @ids::bigint[] is null or e.id = any(@ids)
        """;
}
