using Dapper;
using Jobs.Engine.Client;
using Jobs.Engine.States;
using Jobs.Engine.Storage;

namespace Jobs.Engine.Monitoring;

public sealed partial class JobsMonitor
{
    /// <summary>
    /// Jobs in one state, paged by number for views that page that way (the Hangfire Dashboard does):
    /// available jobs of <paramref name="queue"/> in claim order, scheduled and retrying jobs due soonest
    /// first, running jobs running longest first, dead and cancelled jobs most recently finished first,
    /// succeeded and awaiting jobs newest first. Each list reads along its state's index, so early pages
    /// stay fast at any table size; a page deep into a long list costs its offset (prefer
    /// <see cref="ListAsync"/>, which pages by key, where you can).
    /// </summary>
    /// <param name="state">The state.</param>
    /// <param name="offset">How many jobs of the list to skip.</param>
    /// <param name="limit">Jobs on the page, 1 to 500.</param>
    /// <param name="queue">The queue; required for <see cref="JobState.Available"/>, ignored otherwise.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    public async Task<IReadOnlyList<JobInfo>> PageByStateAsync(JobState state, int offset, int limit, string? queue = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, 500);
        var sql = state switch
        {
            JobState.Available => Sql.StatePageAvailable,
            JobState.Scheduled or JobState.Retrying => Sql.StatePageDue,
            JobState.Running => Sql.StatePageRunning,
            JobState.Dead or JobState.Cancelled => Sql.StatePageFinalized,
            _ => Sql.StatePageById,
        };
        if (state == JobState.Available && queue is null)
        {
            throw new ArgumentNullException(nameof(queue), "Available jobs are paged per queue.");
        }
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        await using var reader = await connection.ExecuteReaderAsync(new CommandDefinition(sql,
            new { state = state.ToDb(), queue, offset, limit, end = (long)offset + limit }, cancellationToken: cancellationToken));
        return await JobReader.ReadInfosAsync(reader, cancellationToken);
    }

    /// <summary>
    /// Jobs in one state: exact up to <paramref name="cap"/> (default <see cref="CountCap"/>), the
    /// planner's estimate beyond it (never below the cap). Unlike <see cref="CountByStateAsync(CancellationToken)"/> it
    /// counts succeeded jobs too (a young table's statistics say 0 while its lists show jobs), and it
    /// reads only the one state's index.
    /// </summary>
    public async Task<StateCount> CountStateAsync(JobState state, int cap = CountCap, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(cap, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(cap, PreviewCap);
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        var exact = await connection.ExecuteScalarAsync<long>(new CommandDefinition(Sql.CappedStateCount(state),
            new { state = state.ToDb(), cap = cap + 1 }, cancellationToken: cancellationToken));
        if (exact <= cap)
        {
            return new StateCount(state, exact, true);
        }
        var estimates = await connection.QueryAsync<(string State, long Jobs)>(new CommandDefinition(
            Sql.EstimatedStateCounts, cancellationToken: cancellationToken));
        var estimate = estimates.Where(e => e.State == state.ToDb()).Select(e => (long?)e.Jobs).FirstOrDefault();
        return new StateCount(state, Math.Max(estimate ?? 0, exact), false);
    }

    /// <summary>Available jobs of one queue: exact up to <paramref name="cap"/>, then <paramref name="cap"/>.</summary>
    public async Task<long> QueueDepthAsync(string queue, int cap = CountCap, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        var depth = await connection.ExecuteScalarAsync<long>(new CommandDefinition(Sql.CappedQueueDepth, new { queue, cap = cap + 1 },
            cancellationToken: cancellationToken));
        return Math.Min(depth, cap);
    }

    /// <summary>How many queues <see cref="QueuesAsync(CancellationToken)"/> lists, without counting their jobs.</summary>
    public async Task<int> QueueCountAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<int>(new CommandDefinition(Sql.QueueCount, cancellationToken: cancellationToken));
    }
}
