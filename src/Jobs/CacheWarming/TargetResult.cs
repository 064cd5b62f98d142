namespace Jobs.CacheWarming;

/// <summary>What one request for a target found.</summary>
/// <param name="Outcome">How it ended.</param>
/// <param name="HttpStatus">The response status, when a response came.</param>
/// <param name="LatencyMs">From sending the request to the end of the body (or the failure).</param>
/// <param name="Bytes">Body bytes read, when a response came.</param>
/// <param name="Error">Why it failed; null on success.</param>
/// <param name="ETag">The response's ETag, verbatim.</param>
/// <param name="LastModified">The response's Last-Modified, verbatim.</param>
/// <param name="Body">The body, when the caller asked to keep it (sitemaps).</param>
/// <param name="RetryAfter">How long the destination's breaker stays open, when it refused the call.</param>
internal sealed record TargetResult(
    TargetOutcome Outcome,
    int? HttpStatus,
    double LatencyMs,
    long? Bytes,
    string? Error,
    string? ETag = null,
    string? LastModified = null,
    byte[]? Body = null,
    TimeSpan? RetryAfter = null)
{
    public bool IsWarm => Outcome is TargetOutcome.Warm or TargetOutcome.NotModified;
}
