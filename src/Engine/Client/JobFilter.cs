using Jobs.Engine.States;

namespace Jobs.Engine.Client;

/// <summary>
/// Selects jobs for listing and for bulk actions. Every set criterion must match; an empty filter
/// matches every job.
/// </summary>
public sealed record JobFilter
{
    /// <summary>Only these job ids.</summary>
    public IReadOnlyList<long>? Ids { get; init; }

    /// <summary>Only jobs in one of these states.</summary>
    public IReadOnlyList<JobState>? States { get; init; }

    /// <summary>Only jobs of one of these kinds.</summary>
    public IReadOnlyList<string>? Kinds { get; init; }

    /// <summary>Only jobs in one of these queues.</summary>
    public IReadOnlyList<string>? Queues { get; init; }

    /// <summary>Only jobs with this partition key.</summary>
    public string? PartitionKey { get; init; }

    /// <summary>Only jobs carrying this tag.</summary>
    public string? Tag { get; init; }

    /// <summary>Only jobs enqueued by this recurring schedule (its fires and triggers). Reads the jobs' metadata, so combine it with a kind.</summary>
    public string? Schedule { get; init; }

    /// <summary>Only jobs with this correlation id.</summary>
    public string? CorrelationId { get; init; }

    /// <summary>Only jobs enqueued at or after this instant.</summary>
    public DateTimeOffset? CreatedFrom { get; init; }

    /// <summary>Only jobs enqueued before this instant.</summary>
    public DateTimeOffset? CreatedTo { get; init; }

    /// <summary>Only jobs that finished (succeeded, died, were cancelled) at or after this instant.</summary>
    public DateTimeOffset? FinalizedFrom { get; init; }

    /// <summary>Only jobs that finished before this instant.</summary>
    public DateTimeOffset? FinalizedTo { get; init; }

    /// <summary>
    /// Only jobs whose arguments, correlation id or error text contain this text (any letter case),
    /// or that it names exactly: by id (<c>29</c> or <c>#29</c>), idempotency key or tag.
    /// Matching it reads the jobs' rows, so combine it with a state, kind or time range on large tables.
    /// </summary>
    public string? Search { get; init; }

    /// <summary>Only jobs whose latest error message starts with this text (the first 300 characters are compared): one dead-letter group.</summary>
    public string? LastError { get; init; }

    /// <summary>True when no criterion is set: the filter matches every job.</summary>
    public bool IsEmpty => this == Everything;

    private static readonly JobFilter Everything = new();
}
