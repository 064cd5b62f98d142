namespace Jobs.Webhooks;

/// <summary>Published webhook messages as operators look them up: the payload and where it went.</summary>
public sealed class WebhookMessages
{
    private readonly WebhookStore _store;

    internal WebhookMessages(WebhookStore store) => _store = store;

    /// <summary>A message with its deliveries, or null when there is none with that id (or retention removed it).</summary>
    public Task<WebhookMessage?> GetAsync(string id, CancellationToken cancellationToken = default) => _store.GetMessageAsync(id, cancellationToken);
}

/// <summary>A published message.</summary>
/// <param name="Id">Its id (the <c>webhook-id</c> header).</param>
/// <param name="EventType">Its event type.</param>
/// <param name="Payload">Its payload as JSON.</param>
/// <param name="CreatedAt">When it was published.</param>
/// <param name="Deliveries">One per endpoint it was sent to.</param>
public sealed record WebhookMessage(string Id, string EventType, string Payload, DateTimeOffset CreatedAt, IReadOnlyList<WebhookMessageDelivery> Deliveries);

/// <summary>The delivery of a message to one endpoint.</summary>
/// <param name="EndpointId">The endpoint.</param>
/// <param name="JobId">The job that delivers it (it may have been pruned).</param>
/// <param name="Status">pending, delivered or failed.</param>
/// <param name="Attempts">Attempts made.</param>
/// <param name="LastStatusCode">The HTTP status of the latest attempt, if it got one.</param>
/// <param name="LastError">What went wrong in the latest attempt.</param>
/// <param name="LastAttemptAt">When the latest attempt was made.</param>
/// <param name="DeliveredAt">When a 2xx came back.</param>
public sealed record WebhookMessageDelivery(long EndpointId, long? JobId, string Status, int Attempts, int? LastStatusCode, string? LastError,
    DateTimeOffset? LastAttemptAt, DateTimeOffset? DeliveredAt);
