using Jobs.Engine.Handlers;
using Jobs.Engine.Recurring;
using Jobs.Engine.Server.Maintenance;
using Jobs.Engine.States;
using Jobs.Engine.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Jobs.Engine.Server;

/// <summary>
/// A worker server: claims and runs jobs from its queues, heartbeats, listens for wake-ups, and
/// runs the maintenance services. Registered as a hosted service by <c>AddJobsServer</c>.
/// </summary>
/// <remarks>
/// Shutdown drains: claiming stops at once and claimed jobs no worker started are handed back; jobs
/// running get <see cref="JobServerOptions.DrainTimeout"/> to finish, then their cancellation tokens
/// fire and what stops is handed back without spending an attempt; completions are written before the
/// server removes itself. A job is never left running in the database by a clean shutdown.
/// </remarks>
public sealed partial class JobServer : IHostedService, IAsyncDisposable
{
    private readonly JobsSchema _schema;
    private readonly JobStore _store;
    private readonly JobKindRegistry _registry;
    private readonly JobExecutor _executor;
    private readonly CompletionWriter _completions;
    private readonly RunningJobs _running;
    private readonly QueuePauses _pauses;
    private readonly EventListener _listener;
    private readonly Heartbeat _heartbeat;
    private readonly Promoter _promoter;
    private readonly Rescuer _rescuer;
    private readonly Pruner _pruner;
    private readonly RecurringScheduler _recurring;
    private readonly StatsCollector _stats;
    private readonly JobsMetrics _metrics;
    private readonly IOptions<JobServerOptions> _options;
    private readonly IOptions<RecurringOptions> _recurringOptions;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<JobServer> _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _background = [];
    private readonly Dictionary<string, QueueWorker> _queues = new(StringComparer.Ordinal);
    private int _state; // 0 new, 1 started, 2 stopped
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal JobServer(
        ServerIdentity identity, JobsSchema schema, JobStore store, JobKindRegistry registry, JobExecutor executor,
        CompletionWriter completions, RunningJobs running, QueuePauses pauses, EventListener listener, Heartbeat heartbeat,
        Promoter promoter, Rescuer rescuer, Pruner pruner, RecurringScheduler recurring, StatsCollector stats, JobsMetrics metrics,
        IOptions<JobServerOptions> options, IOptions<RecurringOptions> recurringOptions, TimeProvider timeProvider, ILogger<JobServer> logger)
    {
        Identity = identity;
        _schema = schema;
        _store = store;
        _registry = registry;
        _executor = executor;
        _completions = completions;
        _running = running;
        _pauses = pauses;
        _listener = listener;
        _heartbeat = heartbeat;
        _promoter = promoter;
        _rescuer = rescuer;
        _pruner = pruner;
        _recurring = recurring;
        _stats = stats;
        _metrics = metrics;
        _options = options;
        _recurringOptions = recurringOptions;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>This server's identity.</summary>
    public ServerIdentity Identity { get; }

    /// <summary>Attempts running now.</summary>
    public int Busy => _running.Count;

    /// <summary>True while the LISTEN connection is up.</summary>
    public bool IsListening => _listener.IsConnected;

    /// <summary>True when this server polls by design: only a pooler in transaction mode reaches the database (see <see cref="JobsOptions.Pooler"/>).</summary>
    public bool IsPollingOnly => _listener.IsPollingOnly;

    /// <summary>True once the server was told to stop (it may still be draining).</summary>
    public bool IsStopping => Volatile.Read(ref _state) == 2;

    /// <summary>When this server last wrote its heartbeat.</summary>
    public DateTimeOffset? LastHeartbeat => _heartbeat.LastBeat;

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            throw new InvalidOperationException("A job server starts once.");
        }
        var options = _options.Value;
        var queues = options.EffectiveQueues;
        await _schema.EnsureAsync(cancellationToken);
        await _store.UpsertKindsAsync(_registry.All.Select(k => new KindPolicyRow(
            k.Kind, k.Options.Queue, k.Options.Priority, k.Options.MaxAttempts, k.Options.GlobalLimit, k.Options.PartitionLimit)).ToList(),
            Identity.Id, cancellationToken);
        // Declared schedules are written by every server with recurring enabled; only servers that
        // run maintenance fire them.
        if (_recurringOptions.Value.Enabled)
        {
            await _recurring.DeclareAsync(cancellationToken);
        }
        var recurring = options.RunMaintenance && _recurringOptions.Value.Enabled;
        await _heartbeat.RegisterAsync(queues, cancellationToken);

        var limited = _registry.LimitedKinds;
        foreach (var (queue, workers) in queues)
        {
            _queues[queue] = new QueueWorker(queue, workers, options, _store, _executor, _pauses, limited, Identity.Id, _completions.Held, _timeProvider, _logger);
        }

        _listener.QueueWoken += queue =>
        {
            if (_queues.TryGetValue(queue, out var worker))
            {
                worker.Wake();
            }
        };
        _listener.JobsCancelled += _heartbeat.CheckNow;
        _listener.QueuesChanged += _heartbeat.CheckNow;
        _listener.JobScheduled += _promoter.Nudge;
        _listener.Connected += WakeAll;
        _heartbeat.QueuesResumed += resumed =>
        {
            foreach (var queue in resumed)
            {
                if (_queues.TryGetValue(queue, out var worker))
                {
                    worker.Wake();
                }
            }
        };
        _completions.DelayedJobWritten += _ => _promoter.Nudge();

        var stop = _stopping.Token;
        _completions.Start();
        _background.Add(Task.Run(() => _listener.RunAsync(stop), CancellationToken.None));
        _background.Add(Task.Run(() => _heartbeat.RunAsync(stop), CancellationToken.None));
        _background.Add(Task.Run(() => _stats.RunAsync(stop), CancellationToken.None));
        if (options.RunMaintenance)
        {
            _background.Add(Task.Run(() => _promoter.RunAsync(stop), CancellationToken.None));
            _background.Add(Task.Run(() => _rescuer.RunAsync(stop), CancellationToken.None));
            _background.Add(Task.Run(() => _pruner.RunAsync(stop), CancellationToken.None));
            if (recurring)
            {
                _background.Add(Task.Run(() => _recurring.RunAsync(stop), CancellationToken.None));
            }
        }
        _metrics.ObserveWorkers(() => _queues.Values.Select(w => (w.Queue, w.Busy, w.Workers)));
        foreach (var worker in _queues.Values)
        {
            worker.Start();
        }
        LogStarted(_logger, Identity.Id, string.Join(", ", queues.Select(q => $"{q.Key}={q.Value}")), _registry.All.Count);
    }

    /// <inheritdoc />
    /// <remarks>
    /// The first caller stops the server; a caller that comes while that stop runs (the host's stop
    /// and <see cref="DisposeAsync"/>, say) waits for it to finish instead of returning at once.
    /// </remarks>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        switch (Interlocked.CompareExchange(ref _state, 2, 1))
        {
            case 0:
                return;
            case 2:
                await _stopped.Task.WaitAsync(cancellationToken);
                return;
        }
        try
        {
            await StopServerAsync(cancellationToken);
        }
        finally
        {
            _stopped.TrySetResult();
        }
    }

    private async Task StopServerAsync(CancellationToken cancellationToken)
    {
        var options = _options.Value;
        _heartbeat.Stopping = true;
        LogStopping(_logger, Identity.Id, _running.Count, options.DrainTimeout);

        // 1. Stop claiming; jobs claimed but not started go back at once, attempt not counted.
        var unstarted = (await Task.WhenAll(_queues.Values.Select(q => q.StopClaimingAsync()))).SelectMany(jobs => jobs).ToList();
        foreach (var job in unstarted)
        {
            _completions.Add(new Completion(job.Job.Id, job.Job.Attempt, job.ClaimedAt, JobState.Available, Refund: 1));
        }
        if (unstarted.Count > 0)
        {
            LogUnstartedHandedBack(_logger, unstarted.Count);
        }

        // 2. Let running jobs finish within the drain period, 3. then fire their tokens: those that
        // stop are handed back by the executor; handlers that ignore the token past the grace period
        // are recorded without waiting for them.
        if (!await WaitForWorkersAsync(options.DrainTimeout, cancellationToken))
        {
            LogDrainExpired(_logger, _running.Count);
            _running.StopAll(StopReason.Shutdown);
            await WaitForWorkersAsync(options.CancellationGrace + TimeSpan.FromSeconds(1), cancellationToken);
        }

        // 4. Write every completion, then leave: until our row is gone no rescuer touches our jobs.
        await _completions.StopAsync(TimeSpan.FromSeconds(15));
        await _stopping.CancelAsync();
        await _stats.FlushAsync(CancellationToken.None);
        try
        {
            await Task.WhenAll(_background).WaitAsync(TimeSpan.FromSeconds(5), _timeProvider, CancellationToken.None);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            // Background loops end on their own; nothing they hold needs waiting for.
        }
        try
        {
            await _store.RemoveServerAsync(Identity.Id, CancellationToken.None);
        }
        catch (Exception e)
        {
            LogRemoveFailed(_logger, e, Identity.Id);
        }
        LogStopped(_logger, Identity.Id);
    }

    private async Task<bool> WaitForWorkersAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var waits = Task.WhenAll(_queues.Values.Select(q => q.WaitForWorkersAsync(timeout)));
        try
        {
            return (await waits.WaitAsync(cancellationToken)).All(done => done);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private void WakeAll()
    {
        foreach (var worker in _queues.Values)
        {
            worker.Wake();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None);
        _stopping.Dispose();
    }

    [LoggerMessage(EventId = 2601, Level = LogLevel.Information, Message = "Job server {ServerId} started: queues {Queues}, {KindCount} kinds")]
    private static partial void LogStarted(ILogger logger, string serverId, string queues, int kindCount);

    [LoggerMessage(EventId = 2602, Level = LogLevel.Information, Message = "Job server {ServerId} stopping: {Running} jobs running, drain period {DrainTimeout}")]
    private static partial void LogStopping(ILogger logger, string serverId, int running, TimeSpan drainTimeout);

    [LoggerMessage(EventId = 2606, Level = LogLevel.Information, Message = "Handed back {Count} claimed jobs no worker had started; their attempts are not counted")]
    private static partial void LogUnstartedHandedBack(ILogger logger, int count);

    [LoggerMessage(EventId = 2603, Level = LogLevel.Warning, Message = "Drain period over with {Running} jobs running; cancelling them and handing them back")]
    private static partial void LogDrainExpired(ILogger logger, int running);

    [LoggerMessage(EventId = 2604, Level = LogLevel.Information, Message = "Job server {ServerId} stopped")]
    private static partial void LogStopped(ILogger logger, string serverId);

    [LoggerMessage(EventId = 2605, Level = LogLevel.Warning, Message = "Could not remove server {ServerId} from the server table; it will be removed once its heartbeat is stale")]
    private static partial void LogRemoveFailed(ILogger logger, Exception exception, string serverId);
}
