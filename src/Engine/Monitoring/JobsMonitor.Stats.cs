using Dapper;

namespace Jobs.Engine.Monitoring;

public sealed partial class JobsMonitor
{
    /// <summary>
    /// Per queue and per kind over the last <paramref name="window"/> (by default an hour): attempts
    /// ended per minute, and wait-time and run-time percentiles, for the whole window and per
    /// <paramref name="bucket"/> (by default 5 minutes). From the servers' own statistics
    /// (<c>job_stats</c>), never from counting the job table.
    /// </summary>
    public async Task<StatsBreakdown> StatsByQueueAndKindAsync(TimeSpan? window = null, TimeSpan? bucket = null, CancellationToken cancellationToken = default)
    {
        var span = window ?? TimeSpan.FromHours(1);
        var step = bucket ?? TimeSpan.FromMinutes(5);
        var now = timeProvider.GetUtcNow();
        var to = new DateTimeOffset(now.UtcTicks - now.UtcTicks % TimeSpan.TicksPerMinute, TimeSpan.Zero).AddMinutes(1);
        var from = to - span;
        var minutes = (int)(span.Ticks / TimeSpan.TicksPerMinute);
        var perBucket = Math.Max(1, (int)(step.Ticks / TimeSpan.TicksPerMinute));
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<StatsRangeRow>(new CommandDefinition(Sql.StatsRange, new { from, to }, cancellationToken: cancellationToken))).ToList();

        List<StatsSeries> By(Func<StatsRangeRow, string> name) => rows.GroupBy(name).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g =>
        {
            var perMinute = new long[minutes];
            var failedPerMinute = new long[minutes];
            var wait = new long[StatsHistogram.Length];
            var run = new long[StatsHistogram.Length];
            var buckets = (minutes + perBucket - 1) / perBucket;
            var waitBy = Enumerable.Range(0, buckets).Select(_ => new long[StatsHistogram.Length]).ToArray();
            var runBy = Enumerable.Range(0, buckets).Select(_ => new long[StatsHistogram.Length]).ToArray();
            foreach (var r in g)
            {
                var i = (int)((DbTime.Utc(r.Minute) - from).Ticks / TimeSpan.TicksPerMinute);
                perMinute[i] += r.Succeeded + r.Failed;
                failedPerMinute[i] += r.Failed;
                StatsHistogram.Add(wait, r.WaitMs);
                StatsHistogram.Add(run, r.RunMs);
                StatsHistogram.Add(waitBy[i / perBucket], r.WaitMs);
                StatsHistogram.Add(runBy[i / perBucket], r.RunMs);
            }
            return new StatsSeries(g.Key, perMinute, failedPerMinute, Percentiles.Of(wait), Percentiles.Of(run),
                waitBy.Select(Percentiles.Of).ToList(), runBy.Select(Percentiles.Of).ToList());
        }).ToList();

        return new StatsBreakdown(from, TimeSpan.FromMinutes(perBucket), By(r => r.Queue), By(r => r.Kind));
    }

    private sealed class StatsRangeRow
    {
        public DateTime Minute { get; init; }
        public string Queue { get; init; } = "";
        public string Kind { get; init; } = "";
        public long Succeeded { get; init; }
        public long Failed { get; init; }
        public long Dead { get; init; }
        public long[]? WaitMs { get; init; }
        public long[]? RunMs { get; init; }
    }
}

/// <summary>Throughput and timings per queue and per kind over a window (see <see cref="JobsMonitor.StatsByQueueAndKindAsync"/>).</summary>
/// <param name="From">The start of the window (a whole minute, UTC); <see cref="StatsSeries.PerMinute"/>[0] is this minute.</param>
/// <param name="Bucket">The span of each element of <see cref="StatsSeries.WaitByBucket"/> and <see cref="StatsSeries.RunByBucket"/>.</param>
/// <param name="Queues">One series per queue that ended attempts in the window.</param>
/// <param name="Kinds">One series per kind.</param>
public sealed record StatsBreakdown(DateTimeOffset From, TimeSpan Bucket, IReadOnlyList<StatsSeries> Queues, IReadOnlyList<StatsSeries> Kinds);

/// <summary>One queue's or kind's attempts and timings over the window.</summary>
/// <param name="Name">The queue or kind.</param>
/// <param name="PerMinute">Attempts ended (succeeded or failed) in each minute, oldest first.</param>
/// <param name="FailedPerMinute">Of them, the failed ones.</param>
/// <param name="Wait">From due to claimed, over the whole window.</param>
/// <param name="Run">From claimed to ended, over the whole window.</param>
/// <param name="WaitByBucket">Wait percentiles per bucket, oldest first.</param>
/// <param name="RunByBucket">Run percentiles per bucket.</param>
public sealed record StatsSeries(string Name, IReadOnlyList<long> PerMinute, IReadOnlyList<long> FailedPerMinute, Percentiles Wait, Percentiles Run,
    IReadOnlyList<Percentiles> WaitByBucket, IReadOnlyList<Percentiles> RunByBucket)
{
    /// <summary>Attempts ended in the window.</summary>
    public long Total => PerMinute.Sum();
}

/// <summary>Percentiles of times in milliseconds, each the bound of its histogram bucket (<see cref="StatsHistogram"/>); null when no time was recorded.</summary>
/// <param name="Count">Times recorded.</param>
/// <param name="P50">The median.</param>
/// <param name="P95">The 95th percentile.</param>
/// <param name="P99">The 99th percentile.</param>
public sealed record Percentiles(long Count, double? P50, double? P95, double? P99)
{
    /// <summary>The percentiles of a histogram.</summary>
    public static Percentiles Of(long[] histogram) =>
        new(histogram.Sum(), StatsHistogram.Percentile(histogram, 0.50), StatsHistogram.Percentile(histogram, 0.95), StatsHistogram.Percentile(histogram, 0.99));
}
