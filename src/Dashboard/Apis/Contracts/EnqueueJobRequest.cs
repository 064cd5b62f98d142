using System.Text.Json;

namespace Jobs.Dashboard.Apis.Contracts;

/// <summary>
/// One job to enqueue: a kind, its arguments, and options that default to the kind's policy.
/// <c>{"kind": "payment.capture", "args": {"paymentId": 42, "amount": 1500, "currency": "usd"}}</c>.
/// </summary>
public sealed record EnqueueJobRequest
{
    /// <summary>The kind, e.g. <c>payment.capture</c>. Required.</summary>
    public string? Kind { get; init; }

    /// <summary>The arguments: a JSON object matching the kind's args record. Omitted: <c>{}</c>.</summary>
    public JsonElement? Args { get; init; }

    /// <summary>The queue; the kind's queue when omitted.</summary>
    public string? Queue { get; init; }

    /// <summary>Higher runs first, -32768 to 32767; the kind's priority when omitted.</summary>
    public int? Priority { get; init; }

    /// <summary>Run no earlier than this instant (ISO 8601 with an offset). Not with a delay.</summary>
    public DateTimeOffset? RunAt { get; init; }

    /// <summary>Run this many seconds after the enqueue commits. Not with <c>runAt</c> or <c>delay</c>.</summary>
    public double? DelaySeconds { get; init; }

    /// <summary>The delay as a duration: <c>00:05:00</c> or ISO 8601 <c>PT5M</c>. Not with <c>runAt</c> or <c>delaySeconds</c>.</summary>
    public string? Delay { get; init; }

    /// <summary>Attempts before the job is dead, 1 to 32767; the kind's when omitted.</summary>
    public int? MaxAttempts { get; init; }

    /// <summary>How long one attempt may run, in seconds; the kind's timeout when omitted.</summary>
    public double? TimeoutSeconds { get; init; }

    /// <summary>Labels to find the job by.</summary>
    public IReadOnlyList<string>? Tags { get; init; }

    /// <summary>The correlation id; the request's <c>X-Correlation-ID</c> when omitted.</summary>
    public string? CorrelationId { get; init; }

    /// <summary>The partition for per-partition concurrency limits (a merchant, a warehouse).</summary>
    public string? PartitionKey { get; init; }

    /// <summary>
    /// While a job of this kind holds this key, enqueueing again returns that job (200) instead of
    /// a new one. For a single job the <c>Idempotency-Key</c> header works too.
    /// </summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>Free-form text values kept with the job (shown in the dashboard, not passed to the handler).</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }
}
