using Jobs.Engine.States;
using Jobs.Engine.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Jobs.Engine.Server.Maintenance;

/// <summary>
/// Returns the jobs of servers whose heartbeat went stale (a crash, a kill, a lost network) for
/// another attempt, and removes those servers. The attempt counts, so a job that crashes its process
/// every time ends dead instead of looping forever.
/// </summary>
internal sealed partial class Rescuer(
    JobStore store, IOptions<JobServerOptions> options, JobsMetrics metrics, TimeProvider timeProvider, ILogger<Rescuer> logger)
    : MaintenanceService(timeProvider, logger)
{
    public override async Task<TimeSpan> RunOnceAsync(CancellationToken cancellationToken)
    {
        var rescued = await store.RescueStaleAsync(options.Value.ServerTimeout, cancellationToken);
        foreach (var (id, kind, queue, state) in rescued)
        {
            metrics.Rescued(kind, queue, dead: state == JobState.Dead);
            if (state == JobState.Dead)
            {
                LogRescuedDead(logger, id);
            }
            else
            {
                LogRescued(logger, id);
            }
        }
        return options.Value.HeartbeatInterval;
    }

    [LoggerMessage(EventId = 2411, Level = LogLevel.Warning, Message = "Rescued job {JobId} from a server that stopped heartbeating; it runs again")]
    private static partial void LogRescued(ILogger logger, long jobId);

    [LoggerMessage(EventId = 2412, Level = LogLevel.Error, Message = "Job {JobId} was running on a server that stopped heartbeating and has no attempts left; it is dead")]
    private static partial void LogRescuedDead(ILogger logger, long jobId);
}
