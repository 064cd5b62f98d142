using Dapper;
using Jobs.Engine.Client;
using Jobs.Engine.States;
using Npgsql;

namespace Jobs.Engine.Storage;

internal sealed partial class JobStore
{
    /// <summary>Enqueues through <c>insert_jobs</c>, on the caller's transaction when given.</summary>
    public async Task<EnqueuedJob[]> EnqueueAsync(IReadOnlyCollection<JobRequest> requests, NpgsqlTransaction? transaction,
        CancellationToken cancellationToken)
    {
        var json = EnqueueJson.Write(requests);
        var connection = transaction?.Connection;
        if (transaction is not null && connection is null)
        {
            throw new ArgumentException("The transaction is no longer usable (it was committed or rolled back).", nameof(transaction));
        }
        NpgsqlConnection? owned = null;
        try
        {
            connection ??= owned = await DataSource.OpenConnectionAsync(cancellationToken);
            await using var command = new NpgsqlCommand(Sql.InsertJobs, connection, transaction);
            command.Parameters.Add(Param("jobs", json));
            long[] ids;
            bool[] created;
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                await reader.ReadAsync(cancellationToken);
                ids = reader.GetFieldValue<long[]>(0);
                created = reader.GetFieldValue<bool[]>(1);
            }
            var results = new EnqueuedJob[ids.Length];
            for (var i = 0; i < ids.Length; i++)
            {
                results[i] = new EnqueuedJob(ids[i], created[i]);
            }
            return results;
        }
        // The database's own checks, and data it cannot take (class 22: a value out of range, text
        // that is not storable): what the validation above missed is still the caller's input.
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.CheckViolation || e.SqlState.StartsWith("22", StringComparison.Ordinal))
        {
            throw new ArgumentException(e.MessageText, nameof(requests), e);
        }
        finally
        {
            if (owned is not null)
            {
                await owned.DisposeAsync();
            }
        }
    }

    public async Task<long[]> ReserveIdsAsync(int count, CancellationToken cancellationToken)
    {
        await using var command = DataSource.CreateCommand(Sql.ReserveIds);
        command.Parameters.Add(Param("count", count));
        return (long[])(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<JobInfo?> GetAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await DataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<JobRow>(new CommandDefinition(
            Sql.GetJob, new { id }, cancellationToken: cancellationToken));
        return row?.ToInfo();
    }

    /// <summary>Makes matching jobs available now (retry, requeue, run a scheduled job now); returns how many.</summary>
    public Task<int> RequeueAsync(JobFilter filter, CancellationToken cancellationToken) =>
        ExecuteFilteredAsync(filter, Sql.RequeueMatching, cancellationToken);

    /// <summary>Cancels matching jobs that have not finished; running ones see their token fire. Returns how many.</summary>
    public Task<int> CancelAsync(JobFilter filter, CancellationToken cancellationToken, string? reason = null) =>
        ExecuteFilteredAsync(filter, Sql.CancelMatching, cancellationToken, p => p.Add("cancel_reason", reason));

    /// <summary>Deletes matching jobs; running ones see their token fire. Returns how many.</summary>
    public Task<int> DeleteAsync(JobFilter filter, CancellationToken cancellationToken) =>
        ExecuteFilteredAsync(filter, Sql.DeleteMatching, cancellationToken);

    /// <summary>Pauses a queue for every server (already paused: unchanged).</summary>
    public async Task PauseQueueAsync(string queue, string? by, CancellationToken cancellationToken)
    {
        await using var connection = await DataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteScalarAsync<long>(new CommandDefinition(Sql.PauseQueue, new { name = queue, by }, cancellationToken: cancellationToken));
    }

    /// <summary>Resumes a paused queue; false when it was not paused.</summary>
    public async Task<bool> ResumeQueueAsync(string queue, CancellationToken cancellationToken)
    {
        await using var connection = await DataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(Sql.ResumeQueue, new { name = queue }, cancellationToken: cancellationToken)) == 1;
    }

    private async Task<int> ExecuteFilteredAsync(JobFilter filter, Func<string, string> statement, CancellationToken cancellationToken,
        Action<DynamicParameters>? more = null)
    {
        var (where, parameters) = JobFilterSql.Build(filter);
        more?.Invoke(parameters);
        await using var connection = await DataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<int>(new CommandDefinition(statement(where), parameters, cancellationToken: cancellationToken));
    }

    /// <summary>The row shape Dapper reads (properties named as the columns); converted to the public <see cref="JobInfo"/>.</summary>
#pragma warning disable IDE1006 // column names
    private sealed class JobRow
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
}
