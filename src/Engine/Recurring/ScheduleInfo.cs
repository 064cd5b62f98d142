using Jobs.Engine.States;

namespace Jobs.Engine.Recurring;

/// <summary>A recurring schedule as stored, with its next and last fire.</summary>
public sealed record ScheduleInfo
{
    /// <summary>The unique name.</summary>
    public required string Name { get; init; }
    /// <summary>The cron expression.</summary>
    public required string Cron { get; init; }
    /// <summary>The IANA time zone.</summary>
    public required string TimeZone { get; init; }
    /// <summary>The kind of job it enqueues.</summary>
    public required string Kind { get; init; }
    /// <summary>The job arguments as JSON.</summary>
    public required string ArgsJson { get; init; }
    /// <summary>The queue, when the schedule sets one.</summary>
    public string? Queue { get; init; }
    /// <summary>The priority, when the schedule sets one.</summary>
    public int? Priority { get; init; }
    /// <summary>Attempts, when the schedule sets them.</summary>
    public int? MaxAttempts { get; init; }
    /// <summary>Timeout, when the schedule sets one.</summary>
    public TimeSpan? Timeout { get; init; }
    /// <summary>Tags put on its jobs.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];
    /// <summary>Partition key put on its jobs.</summary>
    public string? PartitionKey { get; init; }
    /// <summary>What happens to fire times missed while nothing ran.</summary>
    public required MisfirePolicy Misfire { get; init; }
    /// <summary>True when declared in code or configuration (false: created at run time).</summary>
    public required bool Declared { get; init; }
    /// <summary>When an operator paused it; null while active.</summary>
    public DateTimeOffset? PausedAt { get; init; }
    /// <summary>The next fire time (null while paused or if it never fires again).</summary>
    public DateTimeOffset? NextFireAt { get; init; }
    /// <summary>The latest fire time, or the time of the latest manual trigger when that came later.</summary>
    public DateTimeOffset? LastFireAt { get; init; }
    /// <summary>The job its latest fire (or trigger) enqueued.</summary>
    public long? LastJobId { get; init; }
    /// <summary>
    /// The state of the job its latest fire (or trigger) enqueued: its last outcome. Null before the
    /// first fire, and once retention has pruned that job.
    /// </summary>
    public JobState? LastJobState { get; init; }
}
