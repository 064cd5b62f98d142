using System.Text.Json;
using Dapper;
using Jobs.Engine;
using Jobs.Operators.Storage;
using Npgsql;

namespace Jobs.Operators;

/// <summary>The record of every operator action: who, what, on what, how many jobs, when.</summary>
public sealed class AuditLog(OperatorsDatabase database)
{
    /// <summary>Records one action.</summary>
    public async Task RecordAsync(AuditEntry entry, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        await RecordAsync(connection, null, entry, cancellationToken);
    }

    /// <summary>
    /// Records one action inside the caller's transaction: the record exists if and only if the
    /// action it describes (an enqueue on the same transaction) commits, and both cost one commit.
    /// </summary>
    public Task RecordAsync(NpgsqlTransaction transaction, AuditEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        return RecordAsync(transaction.Connection ?? throw new ArgumentException("The transaction is no longer usable.", nameof(transaction)),
            transaction, entry, cancellationToken);
    }

    private Task RecordAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, AuditEntry entry, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(database.Sql.AddAudit, new
        {
            actor = entry.Actor,
            kind = entry.ActorKind,
            action = entry.Action,
            target = entry.Target,
            count = entry.JobCount,
            details = entry.Details is null ? null : JsonSerializer.Serialize(entry.Details),
        }, transaction, cancellationToken: cancellationToken));

    /// <summary>The latest actions, newest first; <paramref name="beforeId"/> pages further back.</summary>
    public async Task<IReadOnlyList<AuditRecord>> ListAsync(long? beforeId = null, int limit = 100, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(long Id, DateTime At, string Actor, string ActorKind, string Action, string? Target, long? JobCount, string? Details)>(
            new CommandDefinition(database.Sql.ListAudit, new { before = beforeId, limit }, cancellationToken: cancellationToken));
        return rows.Select(r => new AuditRecord(r.Id, DbTime.Utc(r.At), r.Actor, r.ActorKind, r.Action, r.Target, r.JobCount, r.Details)).ToList();
    }
}

/// <summary>An action to record.</summary>
/// <param name="Actor">Who: an operator's name, or an API key's name and prefix.</param>
/// <param name="ActorKind"><c>operator</c>, <c>api_key</c> or <c>system</c>.</param>
/// <param name="Action">What, e.g. <c>jobs.requeue</c>.</param>
/// <param name="Target">On what: a job id, a filter, a schedule.</param>
/// <param name="JobCount">How many jobs it changed.</param>
/// <param name="Details">More, as JSON.</param>
public sealed record AuditEntry(string Actor, string ActorKind, string Action, string? Target, long? JobCount = null, object? Details = null);

/// <summary>A recorded action.</summary>
public sealed record AuditRecord(long Id, DateTimeOffset At, string Actor, string ActorKind, string Action, string? Target, long? JobCount, string? Details);
