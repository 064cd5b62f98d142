namespace Jobs.Engine.Handlers;

/// <summary>
/// Thrown by a handler to fail the attempt and wait at least <see cref="RetryAfter"/> before the
/// next one (for example an HTTP 429 or 503 with <c>Retry-After</c>). The attempt counts; the wait
/// is the longer of this and the kind's backoff.
/// </summary>
public sealed class RetryJobException : Exception
{
    /// <summary>Fails the attempt with a minimum wait before the next.</summary>
    public RetryJobException(string message, TimeSpan retryAfter, Exception? innerException = null)
        : base(message, innerException)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(retryAfter, TimeSpan.Zero);
        RetryAfter = retryAfter;
    }

    /// <summary>The least time to wait before the next attempt.</summary>
    public TimeSpan RetryAfter { get; }
}
