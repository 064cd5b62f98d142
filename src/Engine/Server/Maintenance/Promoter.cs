using Jobs.Engine.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Jobs.Engine.Server.Maintenance;

/// <summary>
/// Makes scheduled and retrying jobs available when their time comes, and wakes their queues. It
/// sleeps until the next job is due (at most the poll interval), and is nudged when a job is
/// scheduled, so a 200 ms snooze runs after about 200 ms.
/// </summary>
internal sealed class Promoter(JobStore store, IOptions<JobServerOptions> options, TimeProvider timeProvider, ILogger<Promoter> logger)
    : MaintenanceService(timeProvider, logger)
{
    private const int BatchSize = 1_000;

    public override async Task<TimeSpan> RunOnceAsync(CancellationToken cancellationToken)
    {
        var poll = options.Value.PollInterval;
        var (promoted, nextDueMs) = await store.PromoteDueAsync(BatchSize, cancellationToken);
        if (promoted >= BatchSize)
        {
            return TimeSpan.Zero;
        }
        if (nextDueMs is not { } ms)
        {
            return poll;
        }
        var untilDue = TimeSpan.FromMilliseconds(Math.Max(ms, 1));
        return untilDue < poll ? untilDue : poll;
    }
}
