using Jobs.Engine;
using Jobs.Engine.Handlers;
using Jobs.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;

namespace Jobs.CacheWarming;

/// <summary>Registers <c>cache.warm</c>.</summary>
public static class CacheWarmingRegistration
{
    /// <summary>
    /// Adds the cache warming job: options from <c>App:CacheWarming</c>, its HttpClient and its
    /// handler. One run at a time across all servers, so the configured concurrency is the whole
    /// load the targets see; four attempts per run, so a transient failure is retried three times.
    /// </summary>
    public static JobsBuilder AddCacheWarming(this JobsBuilder jobs)
    {
        var services = jobs.Services;
        services.AddSettings<CacheWarmingOptions>(CacheWarmingOptions.SectionName);
        services.TryAddSingleton<CacheWarmingStore>();
        services.TryAddSingleton<TargetFetcher>();
        services.AddHttpClient(TargetFetcher.ClientName, http =>
            {
                // The per-request timeout is the resilience handler's (and TargetFetcher's for the body).
                http.Timeout = Timeout.InfiniteTimeSpan;
                http.DefaultRequestHeaders.UserAgent.ParseAdd("Jobs-CacheWarmer/1.0");
            })
            .AddOutboundResilience<CacheWarmingOptions>(o => new(o.RequestTimeout, o.BreakDuration))
            .SelectPipelineByAuthority();
        return jobs.AddHandler<CacheWarmHandler, CacheWarmArgs>(kind =>
        {
            kind.Timeout = TimeSpan.FromMinutes(10);
            kind.SlowThreshold = TimeSpan.FromMinutes(3);
            kind.MaxAttempts = 4;
            kind.Retry = new RetryOptions { BaseDelay = TimeSpan.FromSeconds(30), MaxDelay = TimeSpan.FromMinutes(10) };
            kind.GlobalLimit = 1;
        });
    }
}
