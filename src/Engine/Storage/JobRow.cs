using Jobs.Engine.Client;
using Jobs.Engine.States;

namespace Jobs.Engine.Storage;

/// <summary>The row shape Dapper reads (properties named as the columns); converted to the public <see cref="JobInfo"/>.</summary>
#pragma warning disable IDE1006 // column names
internal sealed class JobRow
{
    public long id { get; init; }
    public string kind { get; init; } = "";
    public string queue { get; init; } = "";
    public string state { get; init; } = "";
    public short priority { get; init; }
    public string args_json { get; init; } = "{}";
    public short attempt { get; init; }
    public short max_attempts { get; init; }
    public DateTime created_at { get; init; }
    public DateTime scheduled_at { get; init; }
    public DateTime? attempted_at { get; init; }
    public DateTime? finalized_at { get; init; }
    public string? server_id { get; init; }
    public int? timeout_ms { get; init; }
    public string[]? tags { get; init; }
    public string? correlation_id { get; init; }
    public string? partition_key { get; init; }
    public string? idempotency_key { get; init; }
    public string? errors_json { get; init; }
    public string? metadata_json { get; init; }
    public long? parent_id { get; init; }
    public string? continue_when { get; init; }

    public JobInfo ToInfo() => new()
    {
        Id = id,
        Kind = kind,
        Queue = queue,
        State = JobStates.Parse(state),
        Priority = priority,
        ArgsJson = args_json,
        Attempt = attempt,
        MaxAttempts = max_attempts,
        CreatedAt = DbTime.Utc(created_at),
        ScheduledAt = DbTime.Utc(scheduled_at),
        AttemptedAt = DbTime.Utc(attempted_at),
        FinalizedAt = DbTime.Utc(finalized_at),
        ServerId = server_id,
        Timeout = timeout_ms is { } t ? TimeSpan.FromMilliseconds(t) : null,
        Tags = JobTags.Read(tags),
        CorrelationId = correlation_id,
        PartitionKey = partition_key,
        IdempotencyKey = idempotency_key,
        Errors = ErrorJson.Read(errors_json, DbTime.Utc(attempted_at ?? created_at)),
        MetadataJson = metadata_json,
        After = parent_id,
        ContinueWhen = continue_when == "finished" ? Client.ContinueWhen.Finished : Client.ContinueWhen.Succeeded,
    };

}
#pragma warning restore IDE1006
