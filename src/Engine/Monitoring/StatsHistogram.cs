namespace Jobs.Engine.Monitoring;

/// <summary>
/// The buckets of the wait-time and run-time histograms in <c>job_stats</c> (see migration 0012):
/// element i counts times of at most <see cref="BoundsMs"/>[i] milliseconds, the last element the
/// times longer than an hour. Percentiles read from them are the bound of the bucket the rank
/// falls in: "p95 ≤ 500 ms" is exact about the bucket, not the millisecond.
/// </summary>
public static class StatsHistogram
{
    /// <summary>The upper bounds in milliseconds, 1 ms to 1 hour, about three per decade.</summary>
    public static readonly IReadOnlyList<double> BoundsMs =
    [
        1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 30_000, 60_000, 120_000, 300_000, 600_000, 1_800_000, 3_600_000,
    ];

    /// <summary>Elements of a histogram: one per bound, and one for longer times.</summary>
    public static int Length => BoundsMs.Count + 1;

    /// <summary>The element that counts <paramref name="time"/>.</summary>
    public static int BucketOf(TimeSpan time)
    {
        var ms = time.TotalMilliseconds;
        for (var i = 0; i < BoundsMs.Count; i++)
        {
            if (ms <= BoundsMs[i])
            {
                return i;
            }
        }
        return BoundsMs.Count;
    }

    /// <summary>
    /// The <paramref name="quantile"/> (0 to 1) of a histogram as the bound of its bucket in
    /// milliseconds; infinity when it falls among the times longer than an hour; null when it is empty.
    /// </summary>
    public static double? Percentile(IReadOnlyList<long> counts, double quantile)
    {
        var total = counts.Sum();
        if (total == 0)
        {
            return null;
        }
        var rank = Math.Max(1, (long)Math.Ceiling(quantile * total));
        long seen = 0;
        for (var i = 0; i < counts.Count; i++)
        {
            seen += counts[i];
            if (seen >= rank)
            {
                return i < BoundsMs.Count ? BoundsMs[i] : double.PositiveInfinity;
            }
        }
        return double.PositiveInfinity;
    }

    /// <summary>Adds <paramref name="other"/> into <paramref name="into"/> elementwise (null adds nothing).</summary>
    public static void Add(long[] into, IReadOnlyList<long>? other)
    {
        if (other is null)
        {
            return;
        }
        for (var i = 0; i < Math.Min(into.Length, other.Count); i++)
        {
            into[i] += other[i];
        }
    }
}
