namespace Jobs.Payments;

/// <summary>
/// The gateway gave no answer: the connection failed or dropped, the call timed out, or the circuit
/// breaker is open. For a capture the outcome is unknown (the gateway may have committed it), so
/// the job retries with the same idempotency key and the gateway replays what it did.
/// </summary>
internal sealed class GatewayUnavailableException(string message, TimeSpan retryAfter, Exception innerException)
    : Exception(message, innerException)
{
    /// <summary>The least time to wait before trying again (the breaker's remaining break, or zero).</summary>
    public TimeSpan RetryAfter { get; } = retryAfter;
}
