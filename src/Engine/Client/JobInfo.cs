using Jobs.Engine.States;

namespace Jobs.Engine.Client;

/// <summary>A job as stored: its arguments, state, timings and every failed attempt.</summary>
public sealed record JobInfo
{
    /// <summary>The job id.</summary>
    public required long Id { get; init; }
    /// <summary>The kind name.</summary>
    public required string Kind { get; init; }
    /// <summary>The queue.</summary>
    public required string Queue { get; init; }
    /// <summary>The state.</summary>
    public required JobState State { get; init; }
    /// <summary>Higher runs first.</summary>
    public required int Priority { get; init; }
    /// <summary>The arguments as JSON.</summary>
    public required string ArgsJson { get; init; }
    /// <summary>Attempts started so far.</summary>
    public required int Attempt { get; init; }
    /// <summary>Attempts allowed.</summary>
    public required int MaxAttempts { get; init; }
    /// <summary>When it was enqueued.</summary>
    public required DateTimeOffset CreatedAt { get; init; }
    /// <summary>When it is or was due.</summary>
    public required DateTimeOffset ScheduledAt { get; init; }
    /// <summary>When its latest attempt started.</summary>
    public DateTimeOffset? AttemptedAt { get; init; }
    /// <summary>When it finished (succeeded, died, was cancelled).</summary>
    public DateTimeOffset? FinalizedAt { get; init; }
    /// <summary>The server that ran its latest attempt.</summary>
    public string? ServerId { get; init; }
    /// <summary>Its own timeout, if it has one.</summary>
    public TimeSpan? Timeout { get; init; }
    /// <summary>Its tags.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];
    /// <summary>Its correlation id.</summary>
    public string? CorrelationId { get; init; }
    /// <summary>Its partition key.</summary>
    public string? PartitionKey { get; init; }
    /// <summary>Its idempotency key.</summary>
    public string? IdempotencyKey { get; init; }
    /// <summary>Every failed attempt, oldest first.</summary>
    public IReadOnlyList<JobError> Errors { get; init; } = [];
    /// <summary>Its metadata as JSON.</summary>
    public string? MetadataJson { get; init; }
    /// <summary>The job it continues (<see cref="EnqueueOptions.After"/>), if it is a continuation.</summary>
    public long? After { get; init; }
    /// <summary>When it runs after <see cref="After"/> finished.</summary>
    public ContinueWhen ContinueWhen { get; init; }
}

/// <summary>One failed attempt.</summary>
/// <param name="Attempt">The attempt number.</param>
/// <param name="At">When it failed (for an entry without a readable time, the job's latest attempt or enqueue).</param>
/// <param name="Server">The server that ran it.</param>
/// <param name="Type">
/// What happened: the exception type, or <c>timeout</c>, <c>rescued</c>, <c>unknown_kind</c>, <c>binding</c>;
/// <c>invalid_time</c> for times migration 0005 repaired; <c>unknown</c> for an entry that is not an object (SQL may write anything).
/// </param>
/// <param name="Error">The message.</param>
/// <param name="Stack">The stack trace, when there is one.</param>
/// <param name="DurationMs">How long the attempt ran.</param>
public sealed record JobError(int Attempt, DateTimeOffset At, string? Server, string Type, string Error, string? Stack, double? DurationMs);
