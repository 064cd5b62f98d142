using Dapper;
using Jobs.Engine.States;
using Npgsql;

namespace Jobs.Engine.Storage;

internal sealed partial class JobStore
{
    /// <summary>
    /// Runs <paramref name="work"/> in a transaction holding the maintenance lock
    /// <paramref name="key"/>, or returns <paramref name="busy"/> at once when another process
    /// holds it: one pass at a time across all servers, without a leader.
    /// </summary>
    public async Task<T> WithMaintenanceLockAsync<T>(MaintenanceLock key, T busy,
        Func<NpgsqlConnection, NpgsqlTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        await using var connection = await DataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var locked = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            Sql.TryLock, new { key = (int)key }, transaction, cancellationToken: cancellationToken));
        if (!locked)
        {
            return busy;
        }
        var result = await work(connection, transaction);
        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    /// <summary>Promotes due jobs; returns how many, and the milliseconds until the next one is due (null when none waits).</summary>
    public Task<(long Promoted, double? NextDueMs)> PromoteDueAsync(int limit, CancellationToken cancellationToken) =>
        WithMaintenanceLockAsync<(long, double?)>(MaintenanceLock.Promote, (0, null), async (connection, transaction) =>
        {
            var row = await connection.QuerySingleAsync<(long Promoted, long Woken, double? NextDueMs)>(new CommandDefinition(
                Sql.PromoteDue, new { limit }, transaction, cancellationToken: cancellationToken));
            return (row.Promoted, row.NextDueMs);
        }, cancellationToken);

    /// <summary>Removes stale servers and returns their jobs; returns the rescued jobs with their new state.</summary>
    public Task<List<(long Id, string Kind, string Queue, JobState State)>> RescueStaleAsync(TimeSpan serverTimeout, CancellationToken cancellationToken) =>
        WithMaintenanceLockAsync(MaintenanceLock.Rescue, new List<(long, string, string, JobState)>(), async (connection, transaction) =>
        {
            var rows = await connection.QueryAsync<(long Id, string Kind, string Queue, string State, long Servers, long Woken)>(new CommandDefinition(
                Sql.RescueStale, new { timeout_ms = (long)serverTimeout.TotalMilliseconds }, transaction, cancellationToken: cancellationToken));
            return rows.Select(r => (r.Id, r.Kind, r.Queue, JobStates.Parse(r.State))).ToList();
        }, cancellationToken);

    /// <summary>Deletes up to <paramref name="limit"/> jobs in <paramref name="state"/> finished more than <paramref name="age"/> ago.</summary>
    public Task<int> PruneAsync(JobState state, TimeSpan age, int limit, CancellationToken cancellationToken) =>
        WithMaintenanceLockAsync(MaintenanceLock.Prune, 0, (connection, transaction) =>
            connection.ExecuteScalarAsync<int>(new CommandDefinition(
                Sql.Prune, new { state = state.ToDb(), age_ms = (long)age.TotalMilliseconds, limit }, transaction,
                cancellationToken: cancellationToken)), cancellationToken);
}

internal sealed partial class JobStore
{
    /// <summary>Deletes throughput statistics older than <paramref name="age"/>.</summary>
    public Task<int> PruneStatsAsync(TimeSpan age, CancellationToken cancellationToken) =>
        WithMaintenanceLockAsync(MaintenanceLock.PruneStats, 0, (connection, transaction) =>
            connection.ExecuteAsync(new CommandDefinition(
                Sql.PruneStats, new { age_ms = (long)age.TotalMilliseconds }, transaction, cancellationToken: cancellationToken)), cancellationToken);
}

/// <summary>Advisory lock keys of the maintenance passes, within the schema's lock class.</summary>
internal enum MaintenanceLock
{
    Promote = 1,
    Rescue = 2,
    Prune = 3,
    Recurring = 4,
    PruneStats = 5,
}
