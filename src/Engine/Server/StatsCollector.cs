using System.Collections.Concurrent;
using Jobs.Engine.Monitoring;
using Jobs.Engine.Storage;
using Microsoft.Extensions.Logging;

namespace Jobs.Engine.Server;

/// <summary>
/// Counts the attempts this server ends per minute, queue, kind and outcome, and adds them to the
/// shared <c>job_stats</c> table every few seconds: the throughput history dashboards chart, without
/// ever counting the job table. A crash loses at most the last few seconds of counts.
/// </summary>
internal sealed partial class StatsCollector(JobStore store, TimeProvider timeProvider, ILogger<StatsCollector> logger)
{
    private static readonly TimeSpan FlushInterval = TimeSpan.FromSeconds(5);

    private ConcurrentDictionary<StatsKey, StatsCounts> _counts = new();

    /// <summary>Counts an attempt that ended with <paramref name="outcome"/>, after waiting <paramref name="wait"/> from due to claim and running for <paramref name="run"/>.</summary>
    public void Record(string queue, string kind, string outcome, TimeSpan wait, TimeSpan run)
    {
        var now = timeProvider.GetUtcNow().UtcDateTime;
        var key = new StatsKey(new DateTime(now.Ticks - now.Ticks % TimeSpan.TicksPerMinute, DateTimeKind.Utc), queue, kind);
        var counts = _counts.GetOrAdd(key, static _ => new StatsCounts());
        switch (outcome)
        {
            case "succeeded":
                Interlocked.Increment(ref counts.Succeeded);
                break;
            case "retrying":
                Interlocked.Increment(ref counts.Failed);
                break;
            case "dead":
                Interlocked.Increment(ref counts.Failed);
                Interlocked.Increment(ref counts.Dead);
                break;
            default:
                // Snoozed, handed back, cancelled: no attempt ended, so no times either.
                return;
        }
        Interlocked.Increment(ref counts.Wait[StatsHistogram.BucketOf(wait < TimeSpan.Zero ? TimeSpan.Zero : wait)]);
        Interlocked.Increment(ref counts.Run[StatsHistogram.BucketOf(run)]);
    }

    public async Task RunAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(FlushInterval, timeProvider, stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            await FlushAsync(stop);
        }
    }

    /// <summary>Writes what was counted since the last flush; on failure the counts wait for the next.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        var counts = Interlocked.Exchange(ref _counts, new ConcurrentDictionary<StatsKey, StatsCounts>());
        if (counts.IsEmpty)
        {
            return;
        }
        try
        {
            await store.AddStatsAsync(counts.Select(c => new StatsRow(c.Key.Minute, c.Key.Queue, c.Key.Kind,
                Volatile.Read(ref c.Value.Succeeded), Volatile.Read(ref c.Value.Failed), Volatile.Read(ref c.Value.Dead),
                Snapshot(c.Value.Wait), Snapshot(c.Value.Run))).ToList(), cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogFlushFailed(logger, e);
            foreach (var (key, value) in counts)
            {
                var target = _counts.GetOrAdd(key, static _ => new StatsCounts());
                Interlocked.Add(ref target.Succeeded, value.Succeeded);
                Interlocked.Add(ref target.Failed, value.Failed);
                Interlocked.Add(ref target.Dead, value.Dead);
                for (var i = 0; i < value.Wait.Length; i++)
                {
                    Interlocked.Add(ref target.Wait[i], value.Wait[i]);
                    Interlocked.Add(ref target.Run[i], value.Run[i]);
                }
            }
        }
    }

    [LoggerMessage(EventId = 2701, Level = LogLevel.Warning, Message = "Writing throughput statistics failed; they are kept for the next try")]
    private static partial void LogFlushFailed(ILogger logger, Exception exception);

    private readonly record struct StatsKey(DateTime Minute, string Queue, string Kind);

    private static long[] Snapshot(long[] counts) => counts.Select(c => Volatile.Read(ref c)).ToArray();

    private sealed class StatsCounts
    {
        public long Succeeded;
        public long Failed;
        public long Dead;
        public readonly long[] Wait = new long[StatsHistogram.Length];
        public readonly long[] Run = new long[StatsHistogram.Length];
    }
}

/// <summary>One row of counts for <c>job_stats</c>, with its wait-time and run-time histograms (<see cref="StatsHistogram"/>).</summary>
internal sealed record StatsRow(DateTime Minute, string Queue, string Kind, long Succeeded, long Failed, long Dead, long[] Wait, long[] Run);
