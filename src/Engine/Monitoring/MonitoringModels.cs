using Jobs.Engine.States;

namespace Jobs.Engine.Monitoring;

/// <summary>Jobs in one state: exact up to the monitor's cap, else the planner's estimate.</summary>
/// <param name="State">The state.</param>
/// <param name="Jobs">How many jobs (null when there is no estimate yet).</param>
/// <param name="Exact">False when <paramref name="Jobs"/> is an estimate.</param>
public sealed record StateCount(JobState State, long? Jobs, bool Exact);

/// <summary>A queue as the dashboard shows it.</summary>
/// <param name="Name">The queue.</param>
/// <param name="Available">Jobs waiting to run (exact up to the cap).</param>
/// <param name="AvailableExact">False when more jobs wait than the cap counted.</param>
/// <param name="Running">Jobs running now.</param>
/// <param name="Workers">Workers all live servers have for it.</param>
/// <param name="PausedAt">When it was paused, or null.</param>
/// <param name="OldestWaitingSince">When its longest-waiting available job became due.</param>
public sealed record QueueInfo(string Name, long Available, bool AvailableExact, long Running, int Workers,
    DateTimeOffset? PausedAt, DateTimeOffset? OldestWaitingSince);

/// <summary>A kind's shared policy as servers wrote it, with its running jobs when it is limited.</summary>
public sealed record KindInfo
{
    /// <summary>The kind.</summary>
    public required string Kind { get; init; }
    /// <summary>Its default queue.</summary>
    public string? Queue { get; init; }
    /// <summary>Its default priority.</summary>
    public int? Priority { get; init; }
    /// <summary>Its default attempts.</summary>
    public int? MaxAttempts { get; init; }
    /// <summary>Most running at once across servers.</summary>
    public int? GlobalLimit { get; init; }
    /// <summary>Most running at once per partition key.</summary>
    public int? PartitionLimit { get; init; }
    /// <summary>Running now (limited kinds only).</summary>
    public long? Running { get; init; }
    /// <summary>When a server last wrote the policy.</summary>
    public DateTimeOffset UpdatedAt { get; init; }
    /// <summary>Which server wrote it.</summary>
    public string? UpdatedBy { get; init; }
}

/// <summary>Attempts ended in one time bucket, across all servers.</summary>
/// <param name="At">The start of the bucket.</param>
/// <param name="Succeeded">Attempts that succeeded.</param>
/// <param name="Failed">Attempts that failed (retried or dead).</param>
/// <param name="Dead">Jobs that became dead.</param>
public sealed record ThroughputPoint(DateTimeOffset At, long Succeeded, long Failed, long Dead);

/// <summary>Dead jobs of one kind failing the same way.</summary>
/// <param name="Kind">The kind.</param>
/// <param name="Type">The error type of their latest attempt.</param>
/// <param name="Error">The start of their latest error message (what groups them).</param>
/// <param name="Jobs">How many (among the most recent dead jobs the view reads).</param>
/// <param name="LastAt">When the latest of them died.</param>
/// <param name="SampleId">One of them, to open.</param>
public sealed record DeadLetterGroup(string Kind, string Type, string Error, long Jobs, DateTimeOffset LastAt, long SampleId);

/// <summary>How many jobs match a filter: exact up to the cap, else at least the cap, or an estimate.</summary>
/// <param name="Jobs">The count; the cap when there are more; or the estimate when <see cref="Estimated"/>.</param>
/// <param name="Exact">False when more jobs match than were counted, or when the number is an estimate.</param>
public sealed record CountResult(long Jobs, bool Exact)
{
    /// <summary>True when counting would have taken too long and <see cref="Jobs"/> is the planner's estimate.</summary>
    public bool Estimated { get; init; }
}
