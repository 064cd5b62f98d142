namespace Jobs.Http;

/// <summary>How one job's outbound calls are bounded (<see cref="OutboundResilience"/>).</summary>
internal sealed record OutboundPolicy
{
    /// <summary>The most one HTTP call may take until its response headers, and then its body where the job reads it (<see cref="ResponseBody"/>).</summary>
    public required TimeSpan AttemptTimeout { get; init; }

    /// <summary>How long a tripped breaker refuses calls before letting one through. The default value is 30 seconds.</summary>
    public TimeSpan BreakDuration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The failure ratio in the sampling window that trips the breaker. The default value is 0.5.</summary>
    public double BreakerFailureRatio { get; init; } = 0.5;

    /// <summary>Calls needed in the window before the ratio counts. The default value is 5.</summary>
    public int BreakerMinimumThroughput { get; init; } = 5;

    /// <summary>
    /// The window failures are counted over. The default value is 30 seconds; at least twice
    /// <see cref="AttemptTimeout"/> (the resilience handler's rule, so a timeout can count).
    /// </summary>
    public TimeSpan BreakerSamplingDuration { get; init; } = TimeSpan.FromSeconds(30);
}
