using Microsoft.Extensions.Logging;

namespace Jobs.Engine.Monitoring;

/// <summary>
/// Feeds the queue gauges of <see cref="JobsMetrics"/> (depth, oldest wait, paused) from the
/// database: one bounded query (<see cref="JobsMonitor.QueuesAsync(CancellationToken)"/>) when a
/// collection asks and the last reading is older than <see cref="RefreshInterval"/>, so any number of
/// scrapes costs at most one query per interval. Created by the hosts that export metrics.
/// </summary>
public sealed partial class QueueGauges
{
    /// <summary>Queue depths are counted exactly up to this many jobs.</summary>
    public const int DepthCap = 100_000;

    /// <summary>How long a reading is reused.</summary>
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan QueryTimeout = TimeSpan.FromSeconds(5);

    private readonly JobsMonitor _monitor;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<QueueGauges> _logger;
    private readonly Lock _gate = new();
    private IReadOnlyList<QueueGauge> _last = [];
    private DateTimeOffset _readAt = DateTimeOffset.MinValue;

    /// <summary>Registers with the metrics of this host.</summary>
    public QueueGauges(JobsMonitor monitor, JobsMetrics metrics, TimeProvider timeProvider, ILogger<QueueGauges> logger)
    {
        _monitor = monitor;
        _timeProvider = timeProvider;
        _logger = logger;
        metrics.ObserveQueues(Read);
    }

    private IReadOnlyList<QueueGauge> Read()
    {
        lock (_gate)
        {
            var now = _timeProvider.GetUtcNow();
            if (now - _readAt < RefreshInterval)
            {
                return _last;
            }
            try
            {
                // Collections are synchronous; this waits for one short, bounded query at most once per interval.
                using var timeout = new CancellationTokenSource(QueryTimeout);
                var queues = _monitor.QueuesAsync(DepthCap, timeout.Token).GetAwaiter().GetResult();
                _last = queues.Select(q => new QueueGauge(q.Name, q.Available,
                    q.OldestWaitingSince is { } since ? Math.Max(0, (now - since).TotalSeconds) : 0, q.PausedAt is not null)).ToList();
            }
            catch (Exception e) when (e is Npgsql.NpgsqlException or TimeoutException or OperationCanceledException or InvalidOperationException)
            {
                // Keep the last reading; an unreachable database shows in health, not as a failed scrape.
                LogReadFailed(_logger, e);
            }
            _readAt = now;
            return _last;
        }
    }

    [LoggerMessage(EventId = 2801, Level = LogLevel.Warning, Message = "Could not read queue depths for the metrics; serving the previous reading")]
    private static partial void LogReadFailed(ILogger logger, Exception exception);
}

/// <summary>One queue as the gauges show it.</summary>
internal sealed record QueueGauge(string Queue, long Depth, double OldestAgeSeconds, bool Paused);
