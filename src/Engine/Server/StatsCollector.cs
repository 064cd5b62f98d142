using System.Collections.Concurrent;
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

    public void Record(string queue, string kind, string outcome)
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
        }
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
                Volatile.Read(ref c.Value.Succeeded), Volatile.Read(ref c.Value.Failed), Volatile.Read(ref c.Value.Dead))).ToList(), cancellationToken);
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
            }
        }
    }

    [LoggerMessage(EventId = 2701, Level = LogLevel.Warning, Message = "Writing throughput statistics failed; they are kept for the next try")]
    private static partial void LogFlushFailed(ILogger logger, Exception exception);

    private readonly record struct StatsKey(DateTime Minute, string Queue, string Kind);

    private sealed class StatsCounts
    {
        public long Succeeded;
        public long Failed;
        public long Dead;
    }
}

/// <summary>One row of counts for <c>job_stats</c>.</summary>
internal sealed record StatsRow(DateTime Minute, string Queue, string Kind, long Succeeded, long Failed, long Dead);
