namespace Jobs.Dashboard.Apis.Contracts;

/// <summary>
/// Which jobs a bulk action applies to: every criterion that is set must match (within the API
/// key's kinds and queues). At least one criterion is required.
/// </summary>
public sealed record JobFilterRequest
{
    /// <summary>Only these job ids.</summary>
    public IReadOnlyList<long>? Ids { get; init; }
    /// <summary>Only jobs in one of these states (scheduled, available, running, succeeded, retrying, dead, cancelled).</summary>
    public IReadOnlyList<string>? States { get; init; }
    /// <summary>Only jobs of one of these kinds.</summary>
    public IReadOnlyList<string>? Kinds { get; init; }
    /// <summary>Only jobs in one of these queues.</summary>
    public IReadOnlyList<string>? Queues { get; init; }
    /// <summary>Only jobs carrying this tag.</summary>
    public string? Tag { get; init; }
    /// <summary>Only jobs with this partition key.</summary>
    public string? PartitionKey { get; init; }
    /// <summary>Only jobs with this correlation id.</summary>
    public string? CorrelationId { get; init; }
    /// <summary>Only jobs enqueued at or after this instant.</summary>
    public DateTimeOffset? CreatedFrom { get; init; }
    /// <summary>Only jobs enqueued before this instant.</summary>
    public DateTimeOffset? CreatedTo { get; init; }
    /// <summary>Only jobs that finished at or after this instant.</summary>
    public DateTimeOffset? FinishedFrom { get; init; }
    /// <summary>Only jobs that finished before this instant.</summary>
    public DateTimeOffset? FinishedTo { get; init; }
    /// <summary>Only jobs whose arguments, correlation id or errors contain this text (any letter case).</summary>
    public string? Search { get; init; }
    /// <summary>Only jobs whose latest error message starts with this text (a dead-letter group).</summary>
    public string? LastError { get; init; }
}
