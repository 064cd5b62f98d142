using System.Text.Json;
using Jobs.Engine.Client;
using Jobs.Engine.States;

namespace Jobs.Dashboard.Apis.Contracts;

/// <summary>A job as stored: arguments, options, state, timings and every failed attempt.</summary>
public sealed record JobResponse
{
    /// <summary>The job id.</summary>
    public required long Id { get; init; }
    /// <summary>The kind.</summary>
    public required string Kind { get; init; }
    /// <summary>The queue.</summary>
    public required string Queue { get; init; }
    /// <summary>scheduled, available, running, succeeded, retrying, dead or cancelled.</summary>
    public required string State { get; init; }
    /// <summary>Higher runs first.</summary>
    public required int Priority { get; init; }
    /// <summary>The arguments (as a string holding their JSON when nested deeper than 62 levels, which only SQL can store).</summary>
    public required JsonElement Args { get; init; }
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
    public DateTimeOffset? FinishedAt { get; init; }
    /// <summary>The server that ran its latest attempt.</summary>
    public string? ServerId { get; init; }
    /// <summary>Its own timeout per attempt in seconds, when it has one.</summary>
    public double? TimeoutSeconds { get; init; }
    /// <summary>Its tags.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];
    /// <summary>Its correlation id.</summary>
    public string? CorrelationId { get; init; }
    /// <summary>Its partition key.</summary>
    public string? PartitionKey { get; init; }
    /// <summary>Its idempotency key.</summary>
    public string? IdempotencyKey { get; init; }
    /// <summary>Its metadata (as a string holding its JSON when nested deeper than 62 levels).</summary>
    public JsonElement? Metadata { get; init; }
    /// <summary>Every failed attempt, oldest first.</summary>
    public IReadOnlyList<JobErrorResponse> Errors { get; init; } = [];

    internal static JobResponse From(JobInfo job) => new()
    {
        Id = job.Id,
        Kind = job.Kind,
        Queue = job.Queue,
        State = job.State.ToDb(),
        Priority = job.Priority,
        Args = Json(job.ArgsJson) ?? default,
        Attempt = job.Attempt,
        MaxAttempts = job.MaxAttempts,
        CreatedAt = job.CreatedAt,
        ScheduledAt = job.ScheduledAt,
        AttemptedAt = job.AttemptedAt,
        FinishedAt = job.FinalizedAt,
        ServerId = job.ServerId,
        TimeoutSeconds = job.Timeout?.TotalSeconds,
        Tags = job.Tags,
        CorrelationId = job.CorrelationId,
        PartitionKey = job.PartitionKey,
        IdempotencyKey = job.IdempotencyKey,
        Metadata = Json(job.MetadataJson),
        Errors = job.Errors.Select(e => new JobErrorResponse(e.Attempt, e.At, e.Server, e.Type, e.Error, e.Stack, e.DurationMs)).ToList(),
    };

    /// <summary>
    /// Stored JSON as a JSON value of the response; JSON nested deeper than a response may be (SQL
    /// writes any depth) as a string holding its text, so that the job still reads.
    /// </summary>
    private static JsonElement? Json(string? json)
    {
        if (json is null)
        {
            return null;
        }
        try
        {
            // Within the serializer's limit of 64 levels, the response object around the value included.
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 62 });
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return JsonSerializer.SerializeToElement(json);
        }
    }
}

/// <summary>One failed attempt.</summary>
/// <param name="Attempt">The attempt number.</param>
/// <param name="At">When it failed.</param>
/// <param name="Server">The server that ran it.</param>
/// <param name="Type">The exception type, or <c>timeout</c>, <c>rescued</c>, <c>unknown_kind</c>, <c>binding</c>, <c>invalid_time</c>, <c>unknown</c>.</param>
/// <param name="Error">The message.</param>
/// <param name="Stack">The stack trace, when there is one.</param>
/// <param name="DurationMs">How long the attempt ran.</param>
public sealed record JobErrorResponse(int Attempt, DateTimeOffset At, string? Server, string Type, string Error, string? Stack, double? DurationMs);
