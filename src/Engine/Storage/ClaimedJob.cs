using Jobs.Engine.Handlers;
using Npgsql;

namespace Jobs.Engine.Storage;

/// <summary>A job claimed by this server: everything needed to run one attempt.</summary>
internal sealed class ClaimedJob
{
    public required long Id { get; init; }
    public required string Kind { get; init; }
    public required string Queue { get; init; }
    public required int Priority { get; init; }
    public required string ArgsJson { get; init; }
    public required int Attempt { get; init; }
    public required int MaxAttempts { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset ScheduledAt { get; init; }
    /// <summary>The database time of the claim (the job's attempted_at): the fence of this attempt's completion.</summary>
    public required DateTime ClaimedAt { get; init; }
    public int? TimeoutMs { get; init; }
    public IReadOnlyList<string> Tags { get; init; } = [];
    public string? CorrelationId { get; init; }
    public string? PartitionKey { get; init; }
    public string? MetadataJson { get; init; }

    public JobInfoSnapshot ToSnapshot() => new(
        Id, Kind, Queue, Priority, Attempt, MaxAttempts, CreatedAt, ScheduledAt, CorrelationId, PartitionKey, Tags);

    /// <summary>Reads the columns of <c>JobSql.ClaimedColumns</c>, in order.</summary>
    public static async Task<List<ClaimedJob>> ReadAllAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        var jobs = new List<ClaimedJob>();
        while (await reader.ReadAsync(cancellationToken))
        {
            jobs.Add(new ClaimedJob
            {
                Id = reader.GetInt64(0),
                Kind = reader.GetString(1),
                Queue = reader.GetString(2),
                Priority = reader.GetInt16(3),
                ArgsJson = reader.GetString(4),
                Attempt = reader.GetInt16(5),
                MaxAttempts = reader.GetInt16(6),
                CreatedAt = reader.GetFieldValue<DateTimeOffset>(7),
                ScheduledAt = reader.GetFieldValue<DateTimeOffset>(8),
                ClaimedAt = reader.GetFieldValue<DateTime>(9),
                TimeoutMs = reader.IsDBNull(10) ? null : reader.GetInt32(10),
                Tags = reader.IsDBNull(11) ? [] : JobTags.Read(reader.GetFieldValue<string[]>(11)),
                CorrelationId = reader.IsDBNull(12) ? null : reader.GetString(12),
                PartitionKey = reader.IsDBNull(13) ? null : reader.GetString(13),
                MetadataJson = reader.IsDBNull(14) ? null : reader.GetString(14),
            });
        }
        return jobs;
    }
}
