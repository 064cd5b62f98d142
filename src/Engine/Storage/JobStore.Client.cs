using System.Diagnostics;
using Dapper;
using Jobs.Engine.Client;
using Npgsql;

namespace Jobs.Engine.Storage;

internal sealed partial class JobStore
{
    /// <summary>Enqueues through <c>insert_jobs</c>, on the caller's transaction when given.</summary>
    public Task<EnqueuedJob[]> EnqueueAsync(IReadOnlyCollection<JobRequest> requests, NpgsqlTransaction? transaction,
        CancellationToken cancellationToken) =>
        EnqueueAsync(requests, transaction, null, async: true, cancellationToken);

    /// <summary>
    /// The enqueue for synchronous callers: the calling thread does the I/O itself, so it neither
    /// blocks on a task (spinning first, then waiting for a pool thread to finish the read) nor
    /// needs a free pool thread at all.
    /// </summary>
    /// <param name="requests">The jobs.</param>
    /// <param name="contexts">Each job's caller's context when the jobs come from several callers; null: this thread's.</param>
    public EnqueuedJob[] Enqueue(IReadOnlyCollection<JobRequest> requests, IReadOnlyList<EnqueueContext>? contexts = null)
    {
        var task = EnqueueAsync(requests, null, contexts, async: false, CancellationToken.None);
        Debug.Assert(task.IsCompleted, "A synchronous enqueue completes before it returns.");
        return task.GetAwaiter().GetResult();
    }

    // async: false runs every call synchronously (the Npgsql pattern), so the task returned is complete.
    private async Task<EnqueuedJob[]> EnqueueAsync(IReadOnlyCollection<JobRequest> requests, NpgsqlTransaction? transaction,
        IReadOnlyList<EnqueueContext>? contexts, bool async, CancellationToken cancellationToken)
    {
        var single = requests.Count == 1 && requests.First() is { Options.After: null } request ? request : null;
        var json = single is null ? EnqueueJson.Write(requests, contexts) : EnqueueJson.WriteOne(single, contexts?[0]);
        var connection = transaction?.Connection;
        if (transaction is not null && connection is null)
        {
            throw new ArgumentException("The transaction is no longer usable (it was committed or rolled back).", nameof(transaction));
        }
        NpgsqlConnection? owned = null;
        NpgsqlCommand? command = null;
        try
        {
            connection ??= owned = async ? await DataSource.OpenConnectionAsync(cancellationToken) : DataSource.OpenConnection();
            if (single is not null)
            {
                if ((async ? await InsertOneAsync(connection, transaction, single, json, cancellationToken) : InsertOne(connection, transaction, single, json))
                    is { } id)
                {
                    return [new EnqueuedJob(id, Created: true)];
                }
                // Nothing inserted (a taken idempotency key, an id never reserved): insert_jobs says which.
                json = "[" + json + "]";
            }
            command = new NpgsqlCommand(Sql.InsertJobs, connection, transaction);
            command.Parameters.Add(Param("jobs", json));
            // On the caller's transaction the wake-ups must go out with its commit; an enqueue of our
            // own sends them once the insert committed (see migration 0013).
            command.Parameters.Add(Param("notify", transaction is not null));
            var (ids, created, wake) = async ? await ReadInsertedAsync(command, cancellationToken) : ReadInserted(command);
            if (transaction is null && wake.Length > 0)
            {
                await WakeAsync(connection, wake, async, cancellationToken);
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
            command?.Dispose();
            if (owned is not null)
            {
                if (async)
                {
                    await owned.DisposeAsync();
                }
                else
                {
                    owned.Dispose();
                }
            }
        }
    }

    /// <summary>
    /// <see cref="JobSql.InsertJob"/> and its wake-up in one round trip. On its own transaction the
    /// insert commits before the wake-up runs (an error barrier ends each command's implicit
    /// transaction), so no enqueue holds NOTIFY's commit lock; on the caller's, both go with its commit.
    /// </summary>
    private NpgsqlBatch InsertOneBatch(NpgsqlConnection connection, NpgsqlTransaction? transaction, JobRequest request, string json)
    {
        var batch = new NpgsqlBatch(connection, transaction) { EnableErrorBarriers = transaction is null };
        var insert = new NpgsqlBatchCommand(Sql.InsertJob);
        insert.Parameters.Add(Param("job", json));
        var wake = new NpgsqlBatchCommand(Sql.WakeJob);
        wake.Parameters.Add(Param("queue", request.Options?.Queue));
        wake.Parameters.Add(Param("kind", request.Kind));
        wake.Parameters.Add(Param("timed", request.Options is { RunAt: not null } or { Delay: not null }));
        batch.BatchCommands.Add(insert);
        batch.BatchCommands.Add(wake);
        return batch;
    }

    private async Task<long?> InsertOneAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, JobRequest request, string json,
        CancellationToken cancellationToken)
    {
        await using var batch = InsertOneBatch(connection, transaction, request, json);
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? reader.GetInt64(0) : null;
    }

    private long? InsertOne(NpgsqlConnection connection, NpgsqlTransaction? transaction, JobRequest request, string json)
    {
        using var batch = InsertOneBatch(connection, transaction, request, json);
        using var reader = batch.ExecuteReader();
        return reader.Read() ? reader.GetInt64(0) : null;
    }

    private static async Task<(long[] Ids, bool[] Created, string[] Wake)> ReadInsertedAsync(NpgsqlCommand command,
        CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetFieldValue<long[]>(0), reader.GetFieldValue<bool[]>(1), reader.GetFieldValue<string[]>(2));
    }

    private static (long[] Ids, bool[] Created, string[] Wake) ReadInserted(NpgsqlCommand command)
    {
        using var reader = command.ExecuteReader();
        reader.Read();
        return (reader.GetFieldValue<long[]>(0), reader.GetFieldValue<bool[]>(1), reader.GetFieldValue<string[]>(2));
    }

    /// <summary>
    /// Sends the wake-ups of jobs already committed. A failure here loses no job: servers that miss
    /// the wake-up find the jobs at their next poll, so the enqueue still reports success (an error
    /// would make its caller enqueue the jobs a second time).
    /// </summary>
    private async Task WakeAsync(NpgsqlConnection connection, string[] wake, bool async, CancellationToken cancellationToken)
    {
        try
        {
            using var notify = new NpgsqlCommand(Sql.Wake, connection);
            notify.Parameters.Add(Param("wake", wake));
            if (async)
            {
                await notify.ExecuteScalarAsync(cancellationToken);
            }
            else
            {
                notify.ExecuteScalar();
            }
        }
        catch (Exception e) when (e is NpgsqlException or OperationCanceledException)
        {
        }
    }

    public async Task<long[]> ReserveIdsAsync(int count, CancellationToken cancellationToken)
    {
        await using var command = DataSource.CreateCommand(Sql.ReserveIds);
        command.Parameters.Add(Param("count", count));
        return (long[])(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary><see cref="ReserveIdsAsync"/> on the calling thread, as <see cref="Enqueue"/>.</summary>
    public long[] ReserveIds(int count)
    {
        using var command = DataSource.CreateCommand(Sql.ReserveIds);
        command.Parameters.Add(Param("count", count));
        return (long[])command.ExecuteScalar()!;
    }

    public async Task<JobInfo?> GetAsync(long id, CancellationToken cancellationToken)
    {
        await using var command = DataSource.CreateCommand(Sql.GetJob);
        command.Parameters.Add(Param("id", id));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return (await JobReader.ReadInfosAsync(reader, cancellationToken)).SingleOrDefault();
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
}
