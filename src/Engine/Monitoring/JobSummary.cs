using Jobs.Engine.States;

namespace Jobs.Engine.Monitoring;

/// <summary>A job as a list shows it: enough to recognise it, without its full arguments and errors.</summary>
public sealed record JobSummary
{
    /// <summary>The job id.</summary>
    public required long Id { get; init; }
    /// <summary>The kind.</summary>
    public required string Kind { get; init; }
    /// <summary>The queue.</summary>
    public required string Queue { get; init; }
    /// <summary>The state.</summary>
    public required JobState State { get; init; }
    /// <summary>Higher runs first.</summary>
    public required int Priority { get; init; }
    /// <summary>Attempts started.</summary>
    public required int Attempt { get; init; }
    /// <summary>Attempts allowed.</summary>
    public required int MaxAttempts { get; init; }
    /// <summary>When it was enqueued.</summary>
    public required DateTimeOffset CreatedAt { get; init; }
    /// <summary>When it is or was due.</summary>
    public required DateTimeOffset ScheduledAt { get; init; }
    /// <summary>When its latest attempt started.</summary>
    public DateTimeOffset? AttemptedAt { get; init; }
    /// <summary>When it finished.</summary>
    public DateTimeOffset? FinalizedAt { get; init; }
    /// <summary>The server of its latest attempt.</summary>
    public string? ServerId { get; init; }
    /// <summary>Its tags.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];
    /// <summary>Its correlation id.</summary>
    public string? CorrelationId { get; init; }
    /// <summary>Its partition key.</summary>
    public string? PartitionKey { get; init; }
    /// <summary>The start of its latest error.</summary>
    public string? LastError { get; init; }
    /// <summary>The start of its arguments as JSON.</summary>
    public required string ArgsPreview { get; init; }
}
