namespace Jobs.Engine.Handlers;

/// <summary>What a handler can read about the job it runs, as it was when the attempt was claimed.</summary>
/// <param name="Id">The job id.</param>
/// <param name="Kind">The kind name.</param>
/// <param name="Queue">The queue it ran from.</param>
/// <param name="Priority">Its priority; higher runs first.</param>
/// <param name="Attempt">The attempt running now, starting at 1.</param>
/// <param name="MaxAttempts">Attempts allowed before the job is dead.</param>
/// <param name="CreatedAt">When it was enqueued.</param>
/// <param name="ScheduledAt">When it became due.</param>
/// <param name="CorrelationId">The correlation id it was enqueued with, if any.</param>
/// <param name="PartitionKey">The partition key for concurrency limits, if any.</param>
/// <param name="Tags">Its tags.</param>
public sealed record JobInfoSnapshot(
    long Id,
    string Kind,
    string Queue,
    int Priority,
    int Attempt,
    int MaxAttempts,
    DateTimeOffset CreatedAt,
    DateTimeOffset ScheduledAt,
    string? CorrelationId,
    string? PartitionKey,
    IReadOnlyList<string> Tags);
