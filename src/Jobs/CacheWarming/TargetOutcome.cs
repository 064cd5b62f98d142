namespace Jobs.CacheWarming;

/// <summary>How one request for a target ended (the <c>outcome</c> column of <c>cache_result</c>).</summary>
internal enum TargetOutcome
{
    /// <summary>2xx, body read.</summary>
    Warm,

    /// <summary>304 to a conditional request: the cache already holds it.</summary>
    NotModified,

    /// <summary>Retrying cannot help (404, 410, most 4xx, a sitemap that does not parse).</summary>
    Failed,

    /// <summary>A timeout, 5xx, 408, 425, 429, connection error or open breaker: worth another attempt.</summary>
    Transient,
}

internal static class TargetOutcomes
{
    public static string ToColumn(this TargetOutcome outcome) => outcome switch
    {
        TargetOutcome.Warm => "warm",
        TargetOutcome.NotModified => "not_modified",
        TargetOutcome.Failed => "failed",
        _ => "transient",
    };
}
