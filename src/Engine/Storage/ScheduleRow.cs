using Jobs.Engine.Recurring;
using Jobs.Engine.States;

namespace Jobs.Engine.Storage;

/// <summary>A row of the schedule table as Dapper reads it (properties named as the columns).</summary>
#pragma warning disable IDE1006 // column names
internal sealed class ScheduleRow
{
    public string name { get; init; } = "";
    public string cron { get; init; } = "";
    public string time_zone { get; init; } = "";
    public string kind { get; init; } = "";
    public string args_json { get; init; } = "{}";
    public string? queue { get; init; }
    public short? priority { get; init; }
    public short? max_attempts { get; init; }
    public int? timeout_ms { get; init; }
    public string[]? tags { get; init; }
    public string? partition_key { get; init; }
    public string misfire { get; init; } = "once";
    public bool declared { get; init; }
    public DateTime? paused_at { get; init; }
    public DateTime? next_fire_at { get; init; }
    public DateTime? last_fire_at { get; init; }
    public long? last_job_id { get; init; }
    public string? last_job_state { get; init; }

    public MisfirePolicy Misfire => Enum.Parse<MisfirePolicy>(misfire, ignoreCase: true);

    public ScheduleInfo ToInfo() => new()
    {
        Name = name,
        Cron = cron,
        TimeZone = time_zone,
        Kind = kind,
        ArgsJson = args_json,
        Queue = queue,
        Priority = priority,
        MaxAttempts = max_attempts,
        Timeout = timeout_ms is { } ms ? TimeSpan.FromMilliseconds(ms) : null,
        Tags = tags ?? [],
        PartitionKey = partition_key,
        Misfire = Misfire,
        Declared = declared,
        PausedAt = DbTime.Utc(paused_at),
        NextFireAt = DbTime.Utc(next_fire_at),
        LastFireAt = DbTime.Utc(last_fire_at),
        LastJobId = last_job_id,
        LastJobState = last_job_state is null ? null : JobStates.Parse(last_job_state),
    };
}
#pragma warning restore IDE1006
