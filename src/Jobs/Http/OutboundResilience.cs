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

    /// <summary>Adds the standard resilience handler, configured from the job's options <typeparamref name="TOptions"/>.</summary>
    public static IHttpStandardResiliencePipelineBuilder AddOutboundResilience<TOptions>(this IHttpClientBuilder http,
        Func<TOptions, OutboundPolicy> policy)
        where TOptions : class =>
        http.AddStandardResilienceHandler().Configure((options, services) =>
        {
            try
            {
                Apply(options, policy(services.GetRequiredService<IOptions<TOptions>>().Value));
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
        // Open for the break once half the calls of the last 30 s failed (and there were enough), the
        // window being at least twice the attempt timeout (the handler's rule, so a timeout counts).
        options.CircuitBreaker.FailureRatio = 0.5;
        options.CircuitBreaker.MinimumThroughput = policy.BreakerMinimumThroughput;
        options.CircuitBreaker.SamplingDuration = TimeSpan.FromTicks(Math.Max(TimeSpan.FromSeconds(30).Ticks, 2 * policy.AttemptTimeout.Ticks));
        options.CircuitBreaker.BreakDuration = policy.BreakDuration ?? TimeSpan.FromSeconds(30);
        options.Retry.MaxRetryAttempts = ConnectionRetries;
        options.Retry.Delay = RetryDelay;
        options.Retry.ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is HttpRequestException);
        options.Retry.DisableForUnsafeHttpMethods();
    }
}

/// <summary>How one job's outbound calls are bounded.</summary>
/// <param name="AttemptTimeout">The most one call may take until its response headers (and then its body, <see cref="ResponseBody"/>).</param>
/// <param name="BreakDuration">How long a tripped breaker refuses calls. The default value is 30 seconds.</param>
/// <param name="BreakerMinimumThroughput">Calls in the window before the breaker may trip. The default value is 5.</param>
internal sealed record OutboundPolicy(TimeSpan AttemptTimeout, TimeSpan? BreakDuration = null, int BreakerMinimumThroughput = 5);
