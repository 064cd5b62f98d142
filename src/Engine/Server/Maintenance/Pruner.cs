using Jobs.Engine.States;
using Jobs.Engine.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Jobs.Engine.Server.Maintenance;

/// <summary>
/// Retention: deletes succeeded, cancelled and dead jobs older than their configured ages, in
/// batches, so pruning a large backlog never holds long locks or bloats one transaction.
/// </summary>
internal sealed partial class Pruner(JobStore store, IOptions<JobServerOptions> options, TimeProvider timeProvider, ILogger<Pruner> logger)
    : MaintenanceService(timeProvider, logger)
{
    public override async Task<TimeSpan> RunOnceAsync(CancellationToken cancellationToken)
    {
        var retention = options.Value.Retention;
        foreach (var (state, age) in new[]
                 {
                     (JobState.Succeeded, retention.Succeeded),
                     (JobState.Cancelled, retention.Cancelled),
                     (JobState.Dead, retention.Dead),
                 })
        {
            int deleted;
            var total = 0;
            do
            {
                deleted = await store.PruneAsync(state, age, retention.BatchSize, cancellationToken);
                total += deleted;
            }
            while (deleted >= retention.BatchSize);
            if (total > 0)
            {
                LogPruned(logger, total, state, age);
            }
        }
        await store.PruneStatsAsync(retention.Statistics, cancellationToken);
        return retention.Interval;
    }

    [LoggerMessage(EventId = 2421, Level = LogLevel.Information, Message = "Pruned {Count} {State} jobs older than {Age}")]
    private static partial void LogPruned(ILogger logger, int count, JobState state, TimeSpan age);
}
