using Jobs.Engine.Monitoring;
using Jobs.Engine.States;

namespace Jobs.Dashboard.Apis.Contracts;

/// <summary>A page of jobs.</summary>
/// <param name="Items">The jobs, in the order <paramref name="Order"/> names.</param>
/// <param name="NextCursor">Pass as <c>cursor</c> for the next page; null at the end of the list.</param>
/// <param name="Order">How the list is ordered (it depends on the state filtered on).</param>
/// <param name="ScannedDownTo">
/// Set when the page stopped at its scan window rather than at its limit (filters no index answers
/// read at most 100,000 job ids per page): jobs down to this id were searched, and
/// <paramref name="NextCursor"/> continues below it. The list has not ended.
/// </param>
public sealed record JobListResponse(IReadOnlyList<JobSummaryResponse> Items, string? NextCursor, string Order, long? ScannedDownTo)
{
    internal static JobListResponse From(JobPage page) =>
        new(page.Items.Select(JobSummaryResponse.From).ToList(), page.NextCursor, page.Order, page.ScannedDownTo);

    internal static JobListResponse Empty { get; } = new([], null, "newest first", null);
}

/// <summary>A job as a list shows it (<c>GET /api/v1/jobs/{id}</c> has everything).</summary>
public sealed record JobSummaryResponse
{
    /// <summary>The job id.</summary>
    public required long Id { get; init; }
    /// <summary>The kind.</summary>
    public required string Kind { get; init; }
    /// <summary>The queue.</summary>
    public required string Queue { get; init; }
    /// <summary>The state.</summary>
    public required string State { get; init; }
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
    public DateTimeOffset? FinishedAt { get; init; }
    /// <summary>Its tags.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];
    /// <summary>Its correlation id.</summary>
    public string? CorrelationId { get; init; }
    /// <summary>Its partition key.</summary>
    public string? PartitionKey { get; init; }
    /// <summary>The start of its latest error.</summary>
    public string? LastError { get; init; }
    /// <summary>The start of its arguments as JSON text.</summary>
    public required string ArgsPreview { get; init; }

    internal static JobSummaryResponse From(JobSummary job) => new()
    {
        Id = job.Id,
        Kind = job.Kind,
        Queue = job.Queue,
        State = job.State.ToDb(),
        Priority = job.Priority,
        Attempt = job.Attempt,
        MaxAttempts = job.MaxAttempts,
        CreatedAt = job.CreatedAt,
        ScheduledAt = job.ScheduledAt,
        AttemptedAt = job.AttemptedAt,
        FinishedAt = job.FinalizedAt,
        Tags = job.Tags,
        CorrelationId = job.CorrelationId,
        PartitionKey = job.PartitionKey,
        LastError = job.LastError,
        ArgsPreview = job.ArgsPreview,
    };
}
