using System.ComponentModel.DataAnnotations;

namespace Jobs.CacheWarming;

/// <summary>The targets of <c>cache.warm</c> and how hard to hit them. Bound from <c>App:CacheWarming</c>.</summary>
public sealed class CacheWarmingOptions : IValidatableObject
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "App:CacheWarming";

    /// <summary>Absolute http(s) URLs to request on every run. The default value is none.</summary>
    public IList<string> Urls { get; set; } = [];

    /// <summary>
    /// Absolute http(s) URLs of sitemaps (<c>urlset</c> or <c>sitemapindex</c>) whose pages are
    /// requested on every run. The default value is none.
    /// </summary>
    public IList<string> Sitemaps { get; set; } = [];

    /// <summary>The most requests in flight at once within a run. The default value is 4.</summary>
    [Range(1, 256)]
    public int Concurrency { get; set; } = 4;

    /// <summary>The most one request may take to answer, and then to send its body. The default value is 10 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a destination's circuit breaker stays open once it trips; an attempt that meets it
    /// is retried no sooner. The default value is 30 seconds.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.500", "01:00:00")]
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The most targets one run takes (sitemap entries past it are dropped). The default value is 50,000.</summary>
    [Range(1, 1_000_000)]
    public int MaxTargets { get; set; } = 50_000;

    /// <summary>How long finished runs and their results are kept. The default value is 30 days.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "3650.00:00:00")]
    public TimeSpan ResultRetention { get; set; } = TimeSpan.FromDays(30);

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (name, list) in new[] { (nameof(Urls), Urls), (nameof(Sitemaps), Sitemaps) })
        {
            for (var i = 0; i < list.Count; i++)
            {
                if (!TargetUrl.TryParse(list[i], out _))
                {
                    yield return new ValidationResult(
                        $"{SectionName}:{name}:{i} ('{list[i]}') must be an absolute http or https URL.", [name]);
                }
            }
        }
    }
}
