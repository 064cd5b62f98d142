using Jobs.Engine.States;

namespace Jobs.Engine.Monitoring;

/// <summary>A list row as Dapper reads it (column aliases match the property names).</summary>
internal sealed class JobSummaryRow
{
    public long Id { get; init; }
    public string Kind { get; init; } = "";
    public string Queue { get; init; } = "";
    public string State { get; init; } = "available";
    public short Priority { get; init; }
    public short Attempt { get; init; }
    public short MaxAttempts { get; init; }
    public DateTime CreatedAt { get; init; }
    public DateTime ScheduledAt { get; init; }
    public DateTime? AttemptedAt { get; init; }
    public DateTime? FinalizedAt { get; init; }
    public string? ServerId { get; init; }
    public string[]? Tags { get; init; }
    public string? CorrelationId { get; init; }
    public string? PartitionKey { get; init; }
    public string? LastError { get; init; }
    public string ArgsPreview { get; init; } = "";

    /// <summary>The exact value of the time the list orders by, as the database writes it: the cursor's key.</summary>
    public string? SortKey { get; init; }

    public JobSummary ToSummary() => new()
    {
        Id = Id,
        Kind = Kind,
        Queue = Queue,
        State = JobStates.Parse(State),
        Priority = Priority,
        Attempt = Attempt,
        MaxAttempts = MaxAttempts,
        CreatedAt = DbTime.Utc(CreatedAt),
        ScheduledAt = DbTime.Utc(ScheduledAt),
        AttemptedAt = DbTime.Utc(AttemptedAt),
        FinalizedAt = DbTime.Utc(FinalizedAt),
        ServerId = ServerId,
        Tags = Storage.JobTags.Read(Tags),
        CorrelationId = CorrelationId,
        PartitionKey = PartitionKey,
        LastError = LastError,
        ArgsPreview = ArgsPreview,
    };
}
