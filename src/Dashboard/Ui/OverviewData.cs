using Jobs.Dashboard.Security;
using Jobs.Engine.Monitoring;
using Jobs.Engine.States;

namespace Jobs.Dashboard.Ui;

/// <summary>
/// What the overview shows, read through the monitor's bounded views; the overview page renders it
/// and its script polls it as JSON (<c>GET /overview/data</c>) to stay live.
/// </summary>
public sealed record OverviewData(
    DateTimeOffset Now,
    IReadOnlyList<OverviewData.Count> Counts,
    IReadOnlyList<OverviewData.Point> LastHour,
    IReadOnlyList<OverviewData.Point> LastDay,
    IReadOnlyList<OverviewData.Queue> Queues)
{
    /// <summary>The day chart's bucket: per-minute rates are averaged over it.</summary>
    public static readonly TimeSpan DayBucket = TimeSpan.FromMinutes(10);

    /// <summary>Jobs in one state, with the text to show (estimates as "≈ 712,000").</summary>
    public sealed record Count(string State, long? Jobs, bool Exact, string Text);

    /// <summary>Attempts per minute in one bucket.</summary>
    public sealed record Point(DateTimeOffset At, double Succeeded, double Failed);

    /// <summary>A queue's depth and the wait of its oldest job.</summary>
    public sealed record Queue(string Name, long Available, string AvailableText, long Running, int Workers, bool Paused,
        double? OldestWaitSeconds, string OldestWaitText);

    /// <summary>Reads everything the overview shows.</summary>
    public static async Task<OverviewData> ReadAsync(JobsMonitor monitor, TimeProvider time, CancellationToken cancellationToken)
    {
        var counts = await monitor.CountByStateAsync(cancellationToken);
        var hour = await monitor.ThroughputAsync(TimeSpan.FromHours(1), TimeSpan.FromMinutes(1), cancellationToken);
        var day = await monitor.ThroughputAsync(TimeSpan.FromDays(1), DayBucket, cancellationToken);
        var queues = await monitor.QueuesAsync(cancellationToken);
        var now = time.GetUtcNow();
        var perMinute = DayBucket.TotalMinutes;
        return new OverviewData(
            now,
            counts.Select(c => new Count(c.State.ToDb(), c.Jobs, c.Exact, Format.Count(c.Jobs, c.Exact))).ToList(),
            hour.Select(p => new Point(p.At, p.Succeeded, p.Failed)).ToList(),
            day.Select(p => new Point(p.At, p.Succeeded / perMinute, p.Failed / perMinute)).ToList(),
            queues.Select(q =>
            {
                var wait = q.OldestWaitingSince is { } since ? now - since : (TimeSpan?)null;
                return new Queue(q.Name, q.Available, Format.Count(q.Available, q.AvailableExact), q.Running, q.Workers, q.PausedAt is not null,
                    wait?.TotalSeconds, wait is { } w ? Format.Span(w < TimeSpan.Zero ? TimeSpan.Zero : w) : "–");
            }).ToList());
    }

    /// <summary>Maps <c>GET /overview/data</c> for signed-in operators.</summary>
    public static void Map(WebApplication app) =>
        app.MapGet("/overview/data", async (JobsMonitor monitor, TimeProvider time, CancellationToken cancellationToken) =>
                TypedResults.Ok(await ReadAsync(monitor, time, cancellationToken)))
            .RequireAuthorization(DashboardPolicies.Viewer);
}
