using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;

namespace Jobs.Http;

/// <summary>
/// Guards the business jobs' outgoing calls with Microsoft.Extensions.Http.Resilience's standard
/// handler (Polly v8) on each job's HttpClient: a timeout per attempt, a circuit breaker per
/// destination (the caller picks the key: the origin, or a webhook endpoint), and a quick retry of
/// a request that is safe to repeat (GET, HEAD, OPTIONS, TRACE) when its connection failed without
/// an answer. A <c>BrokenCircuitException</c> or <c>TimeoutRejectedException</c> comes out of
/// <c>SendAsync</c>.
/// </summary>
/// <remarks>
/// Nothing else is retried inside the attempt: answers (5xx, 429 with its Retry-After) and timeouts
/// end it, so the engine's persisted retries record each one and back off by the kind's policy.
/// POSTs are never retried here: a capture is retried by the job with its stored Idempotency-Key
/// after the ledger has recorded the attempt and, when the outcome is unknown, read the intent
/// back; a webhook by the job, with a fresh timestamp and signature, on Svix's schedule.
/// </remarks>
internal static class OutboundResilience
{
    private const int ConnectionRetries = 2;
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(200);

    /// <summary>Adds the standard resilience handler configured from <paramref name="policy"/>.</summary>
    public static IHttpStandardResiliencePipelineBuilder AddOutboundResilience(this IHttpClientBuilder http,
        Func<IServiceProvider, OutboundPolicy> policy) =>
        http.AddStandardResilienceHandler().Configure((options, services) =>
        {
            try
            {
                Apply(options, policy(services));
            }
            catch (OptionsValidationException)
            {
                // The handler's options are validated at start too: a job's options that fail their
                // own validation stop the start with their message, and need not fail here again.
            }
        });

    private static void Apply(HttpStandardResilienceOptions options, OutboundPolicy policy)
    {
        options.AttemptTimeout.Timeout = policy.AttemptTimeout;
        // Room for every attempt and the waits between them; the job's timeout bounds the rest.
        options.TotalRequestTimeout.Timeout = policy.AttemptTimeout * (ConnectionRetries + 1) + TimeSpan.FromSeconds(2);
        options.CircuitBreaker.FailureRatio = policy.BreakerFailureRatio;
        options.CircuitBreaker.MinimumThroughput = policy.BreakerMinimumThroughput;
        options.CircuitBreaker.SamplingDuration = TimeSpan.FromTicks(Math.Max(policy.BreakerSamplingDuration.Ticks, 2 * policy.AttemptTimeout.Ticks));
        options.CircuitBreaker.BreakDuration = policy.BreakDuration;
        options.Retry.MaxRetryAttempts = ConnectionRetries;
        options.Retry.Delay = RetryDelay;
        options.Retry.ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is HttpRequestException);
        options.Retry.DisableForUnsafeHttpMethods();
    }
}
