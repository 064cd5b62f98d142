using System.Data.Common;
using Jobs.Engine.Client;
using Jobs.Engine.Monitoring;
using Jobs.Engine.States;

namespace Jobs.Engine.Storage;

/// <summary>
/// Reads job rows straight into the public records, by column position: no row class in between,
/// and no name mapping (Dapper's snake_case matching is a process-wide setting, and its type
/// conversions cannot turn a <c>timestamptz</c> into a <see cref="DateTimeOffset"/>). Each method
/// names the column list of <see cref="JobSql"/> it reads; the two change together.
/// </summary>
internal static class JobReader
{
    /// <summary>Reads the columns of <c>JobSql.JobColumns</c>, in order.</summary>
    public static async Task<List<JobInfo>> ReadInfosAsync(DbDataReader reader, CancellationToken cancellationToken)
    {
        var jobs = new List<JobInfo>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var createdAt = reader.GetDateTime(8);
            DateTime? attemptedAt = reader.IsDBNull(10) ? null : reader.GetDateTime(10);
            jobs.Add(new JobInfo
            {
                Id = reader.GetInt64(0),
                Kind = reader.GetString(1),
                Queue = reader.GetString(2),
                State = JobStates.Parse(reader.GetString(3)),
                Priority = reader.GetInt16(4),
                ArgsJson = reader.GetString(5),
                Attempt = reader.GetInt16(6),
                MaxAttempts = reader.GetInt16(7),
                CreatedAt = DbTime.Utc(createdAt),
                ScheduledAt = DbTime.Utc(reader.GetDateTime(9)),
                AttemptedAt = DbTime.Utc(attemptedAt),
                FinalizedAt = reader.IsDBNull(11) ? null : DbTime.Utc(reader.GetDateTime(11)),
                ServerId = NullableString(reader, 12),
                Timeout = reader.IsDBNull(13) ? null : TimeSpan.FromMilliseconds(reader.GetInt32(13)),
                Tags = Tags(reader, 14),
                CorrelationId = NullableString(reader, 15),
                PartitionKey = NullableString(reader, 16),
                IdempotencyKey = NullableString(reader, 17),
                // An entry without a readable time is dated by the job's latest attempt, or its enqueue.
                Errors = ErrorJson.Read(NullableString(reader, 18), DbTime.Utc(attemptedAt ?? createdAt)),
                MetadataJson = NullableString(reader, 19),
                After = reader.IsDBNull(20) ? null : reader.GetInt64(20),
                ContinueWhen = NullableString(reader, 21) == "finished" ? ContinueWhen.Finished : ContinueWhen.Succeeded,
            });
        }
        return jobs;
    }

    /// <summary>
    /// Reads the columns of <c>JobSql.ListColumns</c>, in order, then the sort key
    /// <c>JobSql.ListPage</c> adds; returns the last row's sort key with the jobs (the next page's cursor).
    /// </summary>
    public static async Task<(List<JobSummary> Jobs, string? LastSortKey)> ReadSummariesAsync(DbDataReader reader, CancellationToken cancellationToken)
    {
        var jobs = new List<JobSummary>();
        string? sortKey = null;
        while (await reader.ReadAsync(cancellationToken))
        {
            jobs.Add(new JobSummary
            {
                Id = reader.GetInt64(0),
                Kind = reader.GetString(1),
                Queue = reader.GetString(2),
                State = JobStates.Parse(reader.GetString(3)),
                Priority = reader.GetInt16(4),
                Attempt = reader.GetInt16(5),
                MaxAttempts = reader.GetInt16(6),
                CreatedAt = DbTime.Utc(reader.GetDateTime(7)),
                ScheduledAt = DbTime.Utc(reader.GetDateTime(8)),
                AttemptedAt = reader.IsDBNull(9) ? null : DbTime.Utc(reader.GetDateTime(9)),
                FinalizedAt = reader.IsDBNull(10) ? null : DbTime.Utc(reader.GetDateTime(10)),
                ServerId = NullableString(reader, 11),
                Tags = Tags(reader, 12),
                CorrelationId = NullableString(reader, 13),
                PartitionKey = NullableString(reader, 14),
                LastError = NullableString(reader, 15),
                ArgsPreview = reader.GetString(16),
            });
            sortKey = NullableString(reader, 17);
        }
        return (jobs, sortKey);
    }

    private static string? NullableString(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static IReadOnlyList<string> Tags(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? [] : JobTags.Read(reader.GetFieldValue<string[]>(ordinal));
}
