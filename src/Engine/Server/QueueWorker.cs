using System.Threading.Channels;
using Jobs.Engine.Storage;
using Microsoft.Extensions.Logging;

namespace Jobs.Engine.Server;

/// <summary>
/// Runs one queue in this process: a fetch loop claims batches into a local buffer, and a fixed
/// number of workers take jobs from it. The fetch loop claims when woken (a notification, a freed
/// worker, the poll interval), and claims ahead of the workers only as much as they finish in about
/// 100 ms, so short jobs are claimed hundreds at a time and long ones are never hoarded.
/// </summary>
internal sealed partial class QueueWorker
{
    private static readonly TimeSpan PrefetchWindow = TimeSpan.FromMilliseconds(100);

    private readonly string _queue;
    private readonly int _workers;
    private readonly JobServerOptions _options;
    private readonly JobStore _store;
    private readonly JobExecutor _executor;
    private readonly QueuePauses _pauses;
    private readonly string[] _limitedKinds;
    private readonly string _serverId;
    private readonly HeldJobs _held;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Channel<ClaimedJob> _buffer = Channel.CreateUnbounded<ClaimedJob>(
        new UnboundedChannelOptions { SingleWriter = true, AllowSynchronousContinuations = false });
    private readonly Signal _wake = new();
    private readonly Signal _capacity = new();
    private readonly CancellationTokenSource _stopClaiming = new();
    private int _inFlight;
    private int _busy;
    // Starts by assuming long jobs, so a fresh server claims only for its free workers until it has
    // seen how fast jobs finish.
    private long _averageTicks = TimeSpan.FromSeconds(1).Ticks;
    private Task _fetchLoop = Task.CompletedTask;
    private Task[] _workerLoops = [];

    public QueueWorker(string queue, int workers, JobServerOptions options, JobStore store, JobExecutor executor, QueuePauses pauses,
        string[] limitedKinds, string serverId, HeldJobs held, TimeProvider timeProvider, ILogger logger)
    {
        _held = held;
        _queue = queue;
        _workers = workers;
        _options = options;
        _store = store;
        _executor = executor;
        _pauses = pauses;
        _limitedKinds = limitedKinds;
        _serverId = serverId;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    public string Queue => _queue;

    /// <summary>Jobs claimed and not yet finished: running plus buffered.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Workers running a job now.</summary>
    public int Busy => Volatile.Read(ref _busy);

    /// <summary>Workers of this queue.</summary>
    public int Workers => _workers;

    public void Start()
    {
        _workerLoops = Enumerable.Range(0, _workers).Select(_ => Task.Run(WorkAsync)).ToArray();
        _fetchLoop = Task.Run(() => FetchAsync(_stopClaiming.Token));
    }

    /// <summary>Work may be waiting: claim soon.</summary>
    public void Wake() => _wake.Set();

    /// <summary>
    /// Stops claiming and returns the claimed jobs no worker has started, to be handed back. Workers
    /// finish what they run and then stop.
    /// </summary>
    public async Task<List<ClaimedJob>> StopClaimingAsync()
    {
        await _stopClaiming.CancelAsync();
        await _fetchLoop;
        _buffer.Writer.TryComplete();
        var unstarted = new List<ClaimedJob>();
        while (_buffer.Reader.TryRead(out var job))
        {
            unstarted.Add(job);
            Interlocked.Decrement(ref _inFlight);
        }
        return unstarted;
    }

    /// <summary>Waits for the workers to finish their jobs, up to <paramref name="timeout"/>; true when all did.</summary>
    public async Task<bool> WaitForWorkersAsync(TimeSpan timeout)
    {
        try
        {
            await Task.WhenAll(_workerLoops).WaitAsync(timeout, _timeProvider);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private int Prefetch()
    {
        if (_options.PrefetchLimit == 0)
        {
            return 0;
        }
        var average = Math.Max(TimeSpan.FromTicks(Volatile.Read(ref _averageTicks)).TotalSeconds, 1e-6);
        return (int)Math.Min(_options.PrefetchLimit, _workers * PrefetchWindow.TotalSeconds / average);
    }

    private async Task FetchAsync(CancellationToken stop)
    {
        var backoff = TimeSpan.FromMilliseconds(100);
        while (!stop.IsCancellationRequested)
        {
            try
            {
                if (_pauses.IsPaused(_queue))
                {
                    await _wake.WaitAsync(_options.PollInterval, _timeProvider, stop);
                    continue;
                }

                var inFlight = InFlight;
                var prefetch = Prefetch();
                var want = _workers + prefetch - inFlight;
                // With every worker busy, wait until half the prefetch is used up, so claims stay large.
                if (want <= 0 || (inFlight >= _workers && want < Math.Max(1, prefetch / 2)))
                {
                    await _capacity.WaitAsync(_options.PollInterval, _timeProvider, stop);
                    continue;
                }
                want = Math.Min(want, _options.ClaimBatchSize);

                // Not cancelled by `stop`: a claim the database committed must reach the buffer, so
                // that shutdown hands its jobs back instead of leaving them to the rescuer.
                var claimed = await _store.ClaimAsync(_queue, want, _serverId, CancellationToken.None);
                var freeWorkers = _workers - inFlight - claimed.Count;
                if (_limitedKinds.Length > 0 && claimed.Count < want && freeWorkers > 0)
                {
                    // Limited jobs are claimed only for idle workers: buffered, they would hold a slot of the limit.
                    claimed.AddRange(await _store.ClaimLimitedAsync(_queue, _limitedKinds, freeWorkers, _serverId, CancellationToken.None));
                }
                if (claimed.Count > 0)
                {
                    Interlocked.Add(ref _inFlight, claimed.Count);
                    foreach (var job in claimed)
                    {
                        _held.Add(job.Job.Id, job.ClaimedAt);
                        _buffer.Writer.TryWrite(job);
                    }
                }
                backoff = TimeSpan.FromMilliseconds(100);
                if (claimed.Count < want)
                {
                    // The queue is drained: sleep until a notification or the poll interval.
                    await _wake.WaitAsync(_options.PollInterval, _timeProvider, stop);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                LogClaimFailed(_logger, e, _queue, backoff);
                try
                {
                    await Task.Delay(backoff, _timeProvider, stop);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
            }
        }
    }

    private async Task WorkAsync()
    {
        var reader = _buffer.Reader;
        while (await reader.WaitToReadAsync())
        {
            while (reader.TryRead(out var job))
            {
                var started = _timeProvider.GetTimestamp();
                Interlocked.Increment(ref _busy);
                try
                {
                    await _executor.RunAsync(job);
                }
                catch (Exception e)
                {
                    // The executor handles handler failures; this is a bug in the engine. The job stays
                    // running in the database and the rescuer returns it if this server stops.
                    LogWorkerFailed(_logger, e, job.Job.Id);
                }
                Interlocked.Decrement(ref _busy);
                var elapsed = _timeProvider.GetElapsedTime(started).Ticks;
                var average = Volatile.Read(ref _averageTicks);
                Volatile.Write(ref _averageTicks, average + (elapsed - average) / 8);
                Interlocked.Decrement(ref _inFlight);
                _capacity.Set();
            }
        }
    }

    [LoggerMessage(EventId = 2201, Level = LogLevel.Warning, Message = "Claiming from queue {Queue} failed; retrying in {Backoff}")]
    private static partial void LogClaimFailed(ILogger logger, Exception exception, string queue, TimeSpan backoff);

    [LoggerMessage(EventId = 2202, Level = LogLevel.Critical, Message = "The engine failed running job {JobId}; it stays running until rescued")]
    private static partial void LogWorkerFailed(ILogger logger, Exception exception, long jobId);
}
