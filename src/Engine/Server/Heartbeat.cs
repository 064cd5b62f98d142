using Jobs.Engine.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Jobs.Engine.Server;

/// <summary>
/// Keeps this server alive in the <c>server</c> table and keeps its view of the database fresh:
/// every interval it heartbeats, stops attempts the database no longer holds for it (cancelled,
/// deleted, rescued), and rereads paused queues. A cancellation notification runs the attempt check
/// at once, so a cancelled job's token fires within a round trip, not an interval.
/// </summary>
internal sealed partial class Heartbeat(
    JobStore store,
    ServerIdentity identity,
    RunningJobs running,
    HeldJobs held,
    QueuePauses pauses,
    IOptions<JobServerOptions> options,
    TimeProvider timeProvider,
    ILogger<Heartbeat> logger)
{
    private readonly Signal _checkNow = new();
    private IReadOnlyDictionary<string, int> _queues = new Dictionary<string, int>();

    /// <summary>Raised with the queues that were resumed since the last look.</summary>
    public event Action<IReadOnlyList<string>>? QueuesResumed;

    /// <summary>When the last heartbeat was written (by this process's clock).</summary>
    public DateTimeOffset? LastBeat { get; private set; }

    public bool Stopping { get; set; }

    /// <summary>Look for cancelled attempts and paused queues now.</summary>
    public void CheckNow() => _checkNow.Set();

    public async Task RegisterAsync(IReadOnlyDictionary<string, int> queues, CancellationToken cancellationToken)
    {
        _queues = queues;
        await store.RegisterServerAsync(identity, queues, cancellationToken);
        pauses.Update(await store.PausedQueuesAsync(cancellationToken));
        LastBeat = timeProvider.GetUtcNow();
    }

    public async Task RunAsync(CancellationToken stop)
    {
        var nextBeat = timeProvider.GetUtcNow() + options.Value.HeartbeatInterval;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var wait = nextBeat - timeProvider.GetUtcNow();
                var nudged = wait > TimeSpan.Zero && await _checkNow.WaitAsync(wait, timeProvider, stop);
                if (!nudged)
                {
                    await BeatAsync(stop);
                    nextBeat = timeProvider.GetUtcNow() + options.Value.HeartbeatInterval;
                }
                await CheckAsync(stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                LogHeartbeatFailed(logger, e);
                nextBeat = timeProvider.GetUtcNow() + options.Value.HeartbeatInterval;
            }
        }
    }

    private async Task BeatAsync(CancellationToken cancellationToken)
    {
        if (!await store.HeartbeatAsync(identity.Id, running.Count, Stopping, cancellationToken))
        {
            // Another server took us for dead and rescued our jobs; the attempts we still run are
            // fenced off and will be stopped by the check below.
            LogReregistering(logger, identity.Id);
            await store.RegisterServerAsync(identity, _queues, cancellationToken);
        }
        LastBeat = timeProvider.GetUtcNow();
    }

    private async Task CheckAsync(CancellationToken cancellationToken)
    {
        var (ids, claimedAt) = running.Snapshot();
        if (ids.Length > 0)
        {
            foreach (var id in await store.LostAttemptsAsync(ids, claimedAt, cancellationToken))
            {
                LogLost(logger, id);
                running.Stop(id, StopReason.Lost);
            }
        }
        await ReturnOrphansAsync(cancellationToken);
        var resumed = pauses.Update(await store.PausedQueuesAsync(cancellationToken));
        if (resumed.Count > 0)
        {
            QueuesResumed?.Invoke(resumed);
        }
    }

    // Claims the database holds for this server that this process never received or already finished: the
    // answer of a committed claim, or a committed completion, lost with a primary that failed over to a
    // replica. Nothing else would ever end them (this server heartbeats, so the rescuer leaves them alone).
    // Only claims older than the server timeout: a claim's answer is on its way for far less than that.
    private async Task ReturnOrphansAsync(CancellationToken cancellationToken)
    {
        var (ids, claimedAt) = held.Snapshot();
        foreach (var (id, state) in await store.ReturnOrphansAsync(identity.Id, ids, claimedAt, options.Value.ServerTimeout, cancellationToken))
        {
            LogOrphanReturned(logger, id, state);
        }
    }

    [LoggerMessage(EventId = 2504, Level = LogLevel.Warning, Message = "Job {JobId} was running for this server in the database but not in this process (its claim or completion was lost, as in a failover); it is now {State}")]
    private static partial void LogOrphanReturned(ILogger logger, long jobId, string state);

    [LoggerMessage(EventId = 2501, Level = LogLevel.Warning, Message = "Heartbeat failed; retrying next interval")]
    private static partial void LogHeartbeatFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 2502, Level = LogLevel.Warning, Message = "Server {ServerId} was taken for dead by another server; registering again")]
    private static partial void LogReregistering(ILogger logger, string serverId);

    [LoggerMessage(EventId = 2503, Level = LogLevel.Information, Message = "Job {JobId} was cancelled, deleted or rescued elsewhere; stopping its attempt here")]
    private static partial void LogLost(ILogger logger, long jobId);
}
