using System.Net;
using Polly;
using Polly.CircuitBreaker;
using Polly.Registry;
using Polly.Timeout;

namespace Jobs.Http;

/// <summary>
/// Polly pipelines that guard calls to the outside world: a timeout per attempt and a circuit
/// breaker per destination (scheme, host and port), so one failing peer trips only its own breaker.
/// The engine's persisted retries guard the job as a whole; these pipelines do not retry.
/// </summary>
public sealed class OutboundPipelines
{
    private readonly ResiliencePipelineRegistry<string> _registry = new();

    /// <summary>
    /// The pipeline of <paramref name="job"/> for the origin of <paramref name="destination"/>,
    /// created on first use with the given per-attempt timeout and breaker settings.
    /// </summary>
    public ResiliencePipeline<HttpResponseMessage> For(string job, Uri destination, OutboundPolicy policy)
    {
        var key = $"{job}|{destination.GetLeftPart(UriPartial.Authority)}";
        return _registry.GetOrAddPipeline<HttpResponseMessage>(key, builder => builder
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
            {
                FailureRatio = policy.BreakerFailureRatio,
                MinimumThroughput = policy.BreakerMinimumThroughput,
                SamplingDuration = policy.BreakerSamplingDuration,
                BreakDuration = policy.BreakDuration,
                ShouldHandle = new PredicateBuilder<HttpResponseMessage>()
                    .Handle<HttpRequestException>()
                    .Handle<TimeoutRejectedException>()
                    .HandleResult(r => (int)r.StatusCode >= 500 || r.StatusCode == HttpStatusCode.TooManyRequests),
            })
            .AddTimeout(policy.AttemptTimeout));
    }
}

/// <summary>How one job's outbound calls are bounded.</summary>
public sealed record OutboundPolicy
{
    /// <summary>The most one HTTP call may take.</summary>
    public required TimeSpan AttemptTimeout { get; init; }

    /// <summary>How long a tripped breaker refuses calls before letting one through. The default value is 30 seconds.</summary>
    public TimeSpan BreakDuration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The failure ratio in the sampling window that trips the breaker. The default value is 0.5.</summary>
    public double BreakerFailureRatio { get; init; } = 0.5;

    /// <summary>Calls needed in the window before the ratio counts. The default value is 5.</summary>
    public int BreakerMinimumThroughput { get; init; } = 5;

    /// <summary>The window failures are counted over. The default value is 30 seconds.</summary>
    public TimeSpan BreakerSamplingDuration { get; init; } = TimeSpan.FromSeconds(30);
}
