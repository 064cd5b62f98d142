using Jobs.Engine.Server.Maintenance;
using Jobs.Engine.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Jobs.Engine.Recurring;

/// <summary>
/// Fires recurring schedules. Every server may run it; there is no leader to fail over. Each fire
/// time becomes one job because the job's idempotency key is unique per schedule and fire time, and
/// a schedule row is locked (skip locked) while one scheduler fires it.
/// </summary>
/// <remarks>
/// Missed fire times (older than <see cref="RecurringOptions.MisfireThreshold"/> when first seen,
/// because no scheduler ran) follow the schedule's <see cref="MisfirePolicy"/>: once (the default,
/// one job for the latest missed time), skip, or all (each missed time, at most 1,000).
/// </remarks>
internal sealed partial class RecurringScheduler(
    JobStore store,
    IOptions<RecurringOptions> options,
    TimeProvider timeProvider,
    ILogger<RecurringScheduler> logger)
    : MaintenanceService(timeProvider, logger)
{
    private const int MaxMissedFires = 1_000;

    /// <summary>Writes the declared schedules (code and configuration) to the database.</summary>
    public async Task DeclareAsync(CancellationToken cancellationToken)
    {
        var now = TimeProvider.GetUtcNow();
        var declared = options.Value.Schedules
            .Select(s => (s.Key, s.Value, CronSchedule.Parse(s.Value.Cron, s.Value.TimeZone).NextAfter(now)))
            .ToList();
        await store.DeclareSchedulesAsync(declared, options.Value.RemoveUndeclared, cancellationToken);
    }

    public override async Task<TimeSpan> RunOnceAsync(CancellationToken cancellationToken)
    {
        var now = TimeProvider.GetUtcNow();
        var (_, next) = await FireDueAsync(now, cancellationToken);
        var poll = options.Value.PollInterval;
        if (next is not { } at)
        {
            return poll;
        }
        var wait = at - TimeProvider.GetUtcNow();
        return wait <= TimeSpan.Zero ? TimeSpan.Zero : wait < poll ? wait : poll;
    }

    /// <summary>Fires every schedule due at <paramref name="now"/>; returns how many fired and the next fire time.</summary>
    public Task<(int Fired, DateTimeOffset? NextFire)> FireDueAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        store.FireDueSchedulesAsync(now, row => Plan(row, now), cancellationToken);

    private SchedulePlan Plan(ScheduleRow row, DateTimeOffset now)
    {
        if (!CronSchedule.TryParse(row.cron, row.time_zone, out var cron, out var problem))
        {
            // Written by an older version or by hand: stop firing it and say why.
            LogInvalidSchedule(logger, row.name, problem);
            return new SchedulePlan([], null, null);
        }

        var from = DbTime.Utc(row.next_fire_at!.Value);
        // Every fire time from the stored next one up to now (the stored one included).
        var due = cron.Between(from.AddTicks(-1), now, MaxMissedFires + 1);
        var threshold = now - options.Value.MisfireThreshold;
        var missed = due.Where(t => t < threshold).ToList();
        var onTime = due.Where(t => t >= threshold);
        var fires = row.Misfire switch
        {
            MisfirePolicy.All => missed.Take(MaxMissedFires).Concat(onTime),
            MisfirePolicy.Skip => onTime,
            _ => missed.TakeLast(1).Concat(onTime),
        };
        var jobs = fires.Select(t => ScheduleJobs.ForFire(row, t)).ToList();
        if (missed.Count > 0)
        {
            LogMissed(logger, row.name, missed.Count, row.Misfire);
        }
        var last = jobs.Count > 0 ? fires.Last() : (DateTimeOffset?)null;
        return new SchedulePlan(jobs, cron.NextAfter(now), last);
    }

    [LoggerMessage(EventId = 2431, Level = LogLevel.Error, Message = "Schedule {Schedule} cannot be read and stops firing until it is fixed: {Problem}")]
    private static partial void LogInvalidSchedule(ILogger logger, string schedule, string problem);

    [LoggerMessage(EventId = 2432, Level = LogLevel.Warning, Message = "Schedule {Schedule} missed {Count} fire times while no scheduler ran; policy {Policy}")]
    private static partial void LogMissed(ILogger logger, string schedule, int count, MisfirePolicy policy);
}
