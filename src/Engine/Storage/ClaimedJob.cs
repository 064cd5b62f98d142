using Jobs.Engine.Handlers;
using Npgsql;

namespace Jobs.Engine.Storage;

/// <summary>
/// A job claimed by this server: what its handler may read (<see cref="Job"/>, built once, at the
/// claim) and what only the server needs to run the attempt.
/// </summary>
/// <param name="Job">The job as the handler sees it.</param>
/// <param name="ArgsJson">The arguments as JSON, bound to the kind's arguments type when the attempt starts.</param>
/// <param name="ClaimedAt">The database time of the claim (the job's attempted_at): the fence of this attempt's completion.</param>
/// <param name="Timeout">The job's own timeout, if it has one.</param>
/// <param name="MetadataJson">Its metadata as JSON (the trace context it was enqueued under).</param>
internal sealed record ClaimedJob(JobInfoSnapshot Job, string ArgsJson, DateTime ClaimedAt, TimeSpan? Timeout, string? MetadataJson)
{
    /// <summary>Reads the columns of <c>JobSql.ClaimedColumns</c>, in order.</summary>
    public static async Task<List<ClaimedJob>> ReadAllAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        var jobs = new List<ClaimedJob>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var job = new JobInfoSnapshot(
                Id: reader.GetInt64(0),
                Kind: reader.GetString(1),
                Queue: reader.GetString(2),
                Priority: reader.GetInt16(3),
                Attempt: reader.GetInt16(5),
                MaxAttempts: reader.GetInt16(6),
                CreatedAt: reader.GetFieldValue<DateTimeOffset>(7),
                ScheduledAt: reader.GetFieldValue<DateTimeOffset>(8),
                CorrelationId: reader.IsDBNull(12) ? null : reader.GetString(12),
                PartitionKey: reader.IsDBNull(13) ? null : reader.GetString(13),
                Tags: reader.IsDBNull(11) ? [] : JobTags.Read(reader.GetFieldValue<string[]>(11)));
            jobs.Add(new ClaimedJob(
                job,
                ArgsJson: reader.GetString(4),
                ClaimedAt: reader.GetFieldValue<DateTime>(9),
                Timeout: reader.IsDBNull(10) ? null : TimeSpan.FromMilliseconds(reader.GetInt32(10)),
                MetadataJson: reader.IsDBNull(14) ? null : reader.GetString(14)));
        }
        return jobs;
    }
}
