namespace Jobs.Engine.Handlers;

/// <summary>
/// Thrown by a handler to run the job again after <see cref="Delay"/> without spending an attempt:
/// for work that is not ready yet (a resource still busy, a rate limit window), not for errors.
/// </summary>
public sealed class SnoozeJobException : Exception
{
    /// <summary>Snoozes the job for <paramref name="delay"/>.</summary>
    public SnoozeJobException(TimeSpan delay)
        : base($"Snoozed for {delay}.")
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        Delay = delay;
    }

    /// <summary>How long to wait before the job runs again.</summary>
    public TimeSpan Delay { get; }
}
