using Jobs.Engine.Handlers;

namespace Jobs.CacheWarming;

/// <summary>
/// Warms the configured cache targets (<c>App:CacheWarming</c>): every URL, and every URL the
/// configured sitemaps list.
/// </summary>
/// <param name="RunId">
/// Names the run whose results the job records. Attempts of one run skip the targets it already
/// warmed, so a retry re-requests only what failed. When null the run is <c>job-{id}</c>, which
/// every attempt (and a requeue) of the job shares.
/// </param>
public sealed record CacheWarmArgs(string? RunId = null) : IJobArgs
{
    /// <inheritdoc />
    public static string Kind => "cache.warm";
}
