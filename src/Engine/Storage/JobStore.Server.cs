using System.Text.Json;
using Dapper;
using Jobs.Engine.Server;
using Jobs.Engine.States;
using Npgsql;
using NpgsqlTypes;

namespace Jobs.Engine.Storage;

internal sealed partial class JobStore
{
    public async Task<List<ClaimedJob>> ClaimAsync(string queue, int limit, string server, CancellationToken cancellationToken)
    {
        await using var command = DataSource.CreateCommand(Sql.ClaimAvailable);
        command.Parameters.Add(Param("queue", queue));
        command.Parameters.Add(Param("limit", limit));
        command.Parameters.Add(Param("server", server));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await ClaimedJob.ReadAllAsync(reader, cancellationToken);
    }

    public async Task<List<ClaimedJob>> ClaimLimitedAsync(string queue, string[] kinds, int limit, string server, CancellationToken cancellationToken)
    {
        await using var command = DataSource.CreateCommand(Sql.ClaimLimited);
        command.Parameters.Add(Param("queue", queue));
        command.Parameters.Add(Param("kinds", kinds));
        command.Parameters.Add(Param("limit", limit));
        command.Parameters.Add(Param("server", server));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await ClaimedJob.ReadAllAsync(reader, cancellationToken);
    }

    /// <summary>Writes a batch of completions in one round trip and one transaction.</summary>
    public async Task CompleteAsync(IReadOnlyList<Completion> completions, CancellationToken cancellationToken)
    {
        var succeeded = new List<long>(completions.Count);
        var claimTimes = new HashSet<DateTime>();
        var others = new List<Completion>();
        foreach (var c in completions)
        {
            if (c.State == JobState.Succeeded && c.ErrorJson is null)
            {
                succeeded.Add(c.Id);
                claimTimes.Add(c.ClaimedAt);
            }
            else
            {
                others.Add(c);
            }
        }

        await using var batch = DataSource.CreateBatch();
        if (succeeded.Count > 0)
        {
            var command = new NpgsqlBatchCommand(Sql.CompleteSucceeded);
            command.Parameters.Add(Param("ids", succeeded.ToArray()));
            command.Parameters.Add(Param("claimed_at", claimTimes.ToArray()));
            batch.BatchCommands.Add(command);
        }
        if (others.Count > 0)
        {
            var command = new NpgsqlBatchCommand(Sql.CompleteOther);
            command.Parameters.Add(Param("ids", others.Select(c => c.Id).ToArray()));
            command.Parameters.Add(Param("claimed_at", others.Select(c => c.ClaimedAt).ToArray()));
            command.Parameters.Add(Param("states", others.Select(c => c.State.ToDb()).ToArray()));
            command.Parameters.Add(Param("delays", others.Select(c => c.DelayMs).ToArray()));
            command.Parameters.Add(Param("refunds", others.Select(c => c.Refund).ToArray()));
            command.Parameters.Add(new NpgsqlParameter("errors", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = others.Select(c => c.ErrorJson).ToArray() });
            batch.BatchCommands.Add(command);
        }
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Of the given attempts (job id and claim time), the job ids the database no longer holds for them.</summary>
    public async Task<List<long>> LostAttemptsAsync(long[] ids, DateTime[] claimedAt, CancellationToken cancellationToken)
    {
        await using var command = DataSource.CreateCommand(Sql.LostAttempts);
        command.Parameters.Add(Param("ids", ids));
        command.Parameters.Add(Param("claimed_at", claimedAt));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var lost = new List<long>();
        while (await reader.ReadAsync(cancellationToken))
        {
            lost.Add(reader.GetInt64(0));
        }
        return lost;
    }

    /// <summary>Returns the jobs the database holds for <paramref name="serverId"/> beyond the claims it holds (see <see cref="JobSql.ReturnOrphans"/>).</summary>
    public async Task<List<(long Id, string State)>> ReturnOrphansAsync(string serverId, long[] ids, DateTime[] claimedAt, TimeSpan grace,
        CancellationToken cancellationToken)
    {
        await using var command = DataSource.CreateCommand(Sql.ReturnOrphans);
        command.Parameters.Add(Param("server", serverId));
        command.Parameters.Add(Param("ids", ids));
        command.Parameters.Add(Param("claimed_at", claimedAt));
        command.Parameters.Add(Param("grace_ms", (long)grace.TotalMilliseconds));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var returned = new List<(long, string)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            returned.Add((reader.GetInt64(0), reader.GetString(1)));
        }
        return returned;
    }

    public async Task RegisterServerAsync(ServerIdentity identity, IReadOnlyDictionary<string, int> queues, CancellationToken cancellationToken)
    {
        await using var connection = await DataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(Sql.RegisterServer, new
        {
            id = identity.Id,
            host = identity.Host,
            pid = identity.ProcessId,
            version = identity.Version,
            queues = JsonSerializer.Serialize(queues),
            workers = queues.Values.Sum(),
        }, cancellationToken: cancellationToken));
    }

    /// <summary>Refreshes the heartbeat; false when the server row is gone (it was taken for dead).</summary>
    public async Task<bool> HeartbeatAsync(string server, int busy, bool stopping, CancellationToken cancellationToken)
    {
        await using var connection = await DataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            Sql.Heartbeat, new { id = server, busy, stopping }, cancellationToken: cancellationToken)) == 1;
    }

    public async Task RemoveServerAsync(string server, CancellationToken cancellationToken)
    {
        await using var connection = await DataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(Sql.RemoveServer, new { id = server }, cancellationToken: cancellationToken));
    }

    public async Task<HashSet<string>> PausedQueuesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await DataSource.OpenConnectionAsync(cancellationToken);
        var names = await connection.QueryAsync<string>(new CommandDefinition(Sql.PausedQueues, cancellationToken: cancellationToken));
        return names.ToHashSet(StringComparer.Ordinal);
    }

    public async Task AddStatsAsync(IReadOnlyList<StatsRow> rows, CancellationToken cancellationToken)
    {
        await using var command = DataSource.CreateCommand(Sql.AddStats);
        command.Parameters.Add(Param("minutes", rows.Select(r => r.Minute).ToArray()));
        command.Parameters.Add(Param("queues", rows.Select(r => r.Queue).ToArray()));
        command.Parameters.Add(Param("kinds", rows.Select(r => r.Kind).ToArray()));
        command.Parameters.Add(Param("succeeded", rows.Select(r => r.Succeeded).ToArray()));
        command.Parameters.Add(Param("failed", rows.Select(r => r.Failed).ToArray()));
        command.Parameters.Add(Param("dead", rows.Select(r => r.Dead).ToArray()));
        // Histograms travel as array literals: unnest would flatten a two-dimensional array.
        command.Parameters.Add(Param("waits", rows.Select(r => "{" + string.Join(',', r.Wait) + "}").ToArray()));
        command.Parameters.Add(Param("runs", rows.Select(r => "{" + string.Join(',', r.Run) + "}").ToArray()));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task UpsertKindsAsync(IReadOnlyList<KindPolicyRow> kinds, string server, CancellationToken cancellationToken)
    {
        if (kinds.Count == 0)
        {
            return;
        }
        await using var command = DataSource.CreateCommand(Sql.UpsertKinds);
        command.Parameters.Add(Param("kinds", kinds.Select(k => k.Kind).ToArray()));
        command.Parameters.Add(new NpgsqlParameter("queues", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = kinds.Select(k => k.Queue).ToArray() });
        command.Parameters.Add(Param("priorities", kinds.Select(k => (short?)k.Priority).ToArray()));
        command.Parameters.Add(Param("max_attempts", kinds.Select(k => (short?)k.MaxAttempts).ToArray()));
        command.Parameters.Add(Param("global_limits", kinds.Select(k => k.GlobalLimit).ToArray()));
        command.Parameters.Add(Param("partition_limits", kinds.Select(k => k.PartitionLimit).ToArray()));
        command.Parameters.Add(Param("server", server));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

/// <summary>The part of a kind's policy shared through the database.</summary>
internal sealed record KindPolicyRow(string Kind, string? Queue, int? Priority, int? MaxAttempts, int? GlobalLimit, int? PartitionLimit);
