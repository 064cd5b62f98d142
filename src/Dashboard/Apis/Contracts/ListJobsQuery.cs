using Microsoft.AspNetCore.Mvc;

namespace Jobs.Dashboard.Apis.Contracts;

/// <summary>
/// The query of <c>GET /api/v1/jobs</c>: the dashboard's filters, a cursor and a limit. States,
/// kinds and queues may repeat (<c>state=dead&amp;state=retrying</c>) or be comma-separated.
/// Times are ISO 8601 (<c>2026-01-31T12:00:00Z</c>).
/// </summary>
public sealed class ListJobsQuery
{
    /// <summary>Only jobs in one of these states.</summary>
    [FromQuery(Name = "state")] public string[]? State { get; init; }
    /// <summary>Only jobs of one of these kinds.</summary>
    [FromQuery(Name = "kind")] public string[]? Kind { get; init; }
    /// <summary>Only jobs in one of these queues.</summary>
    [FromQuery(Name = "queue")] public string[]? Queue { get; init; }
    /// <summary>Only jobs carrying this tag.</summary>
    [FromQuery(Name = "tag")] public string? Tag { get; init; }
    /// <summary>Only jobs with this partition key.</summary>
    [FromQuery(Name = "partitionKey")] public string? PartitionKey { get; init; }
    /// <summary>Only jobs with this correlation id.</summary>
    [FromQuery(Name = "correlationId")] public string? CorrelationId { get; init; }
    /// <summary>Only jobs enqueued at or after this instant.</summary>
    [FromQuery(Name = "createdFrom")] public string? CreatedFrom { get; init; }
    /// <summary>Only jobs enqueued before this instant.</summary>
    [FromQuery(Name = "createdTo")] public string? CreatedTo { get; init; }
    /// <summary>Only jobs that finished at or after this instant.</summary>
    [FromQuery(Name = "finishedFrom")] public string? FinishedFrom { get; init; }
    /// <summary>Only jobs that finished before this instant.</summary>
    [FromQuery(Name = "finishedTo")] public string? FinishedTo { get; init; }
    /// <summary>Only jobs whose arguments, correlation id or errors contain this text.</summary>
    [FromQuery(Name = "search")] public string? Search { get; init; }
    /// <summary>Only jobs whose latest error starts with this text.</summary>
    [FromQuery(Name = "lastError")] public string? LastError { get; init; }
    /// <summary>The <c>nextCursor</c> of the previous page.</summary>
    [FromQuery(Name = "cursor")] public string? Cursor { get; init; }
    /// <summary>Jobs per page, 1 to 500. The default value is 50.</summary>
    [FromQuery(Name = "limit")] public string? Limit { get; init; }
}
