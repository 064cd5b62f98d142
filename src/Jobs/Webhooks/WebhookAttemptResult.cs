namespace Jobs.Webhooks;

/// <summary>What one delivery attempt came to.</summary>
/// <param name="Outcome">delivered, failed (retried), gone (410), blocked (SSRF guard) or skipped (endpoint disabled).</param>
/// <param name="StatusCode">The HTTP status, when an answer came.</param>
/// <param name="LatencyMs">How long the call took, when one was made.</param>
/// <param name="Error">Why it failed; null when delivered.</param>
/// <param name="RetryAfter">The least wait before the next attempt (Retry-After, an open breaker).</param>
internal sealed record WebhookAttemptResult(string Outcome, int? StatusCode, double? LatencyMs, string? Error, TimeSpan? RetryAfter = null)
{
    public const string DeliveredOutcome = "delivered";
    public const string FailedOutcome = "failed";
    public const string GoneOutcome = "gone";
    public const string BlockedOutcome = "blocked";
    public const string SkippedOutcome = "skipped";

    public bool IsDelivered => Outcome == DeliveredOutcome;
}
