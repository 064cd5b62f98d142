using Dapper;
using Jobs.Storage;
using Microsoft.Extensions.Logging;

namespace Jobs.Inventory;

/// <summary>
/// The operator's side of reconciliation: discrepancies over tolerance wait for review
/// (<c>pending_review</c>) until someone approves or rejects them here. An approval applies the
/// counted quantity by compare-and-set: only if the stock is still the version the run compared,
/// otherwise the discrepancy becomes stale and the stock is left alone. Each applied approval is
/// audited with the reviewer as actor. Deciding twice is harmless: the second decision finds the
/// discrepancy no longer pending.
/// </summary>
public sealed class InventoryReviews
{
    private readonly AppDatabase _database;
    private readonly InventorySql _sql;
    private readonly ILogger<InventoryReviews> _logger;

    internal InventoryReviews(AppDatabase database, InventorySql sql, ILogger<InventoryReviews> logger)
    {
        _database = database;
        _sql = sql;
        _logger = logger;
    }

    /// <summary>Discrepancies of a warehouse waiting for review, oldest first.</summary>
    public async Task<IReadOnlyList<PendingDiscrepancy>> PendingAsync(string warehouse, int limit = 100, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.DataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<PendingDiscrepancy>(new CommandDefinition(
            _sql.PendingReviews, new { warehouse, limit }, cancellationToken: cancellationToken))).AsList();
    }

    /// <summary>Applies the counted quantity of a pending discrepancy, if the stock has not moved since the run compared it.</summary>
    /// <param name="discrepancyId">The discrepancy.</param>
    /// <param name="reviewer">Who decides; recorded on the discrepancy and as the adjustment's actor.</param>
    /// <param name="note">Why, for the audit.</param>
    /// <param name="cancellationToken">Cancels the decision (nothing is changed).</param>
    public Task<ReviewResult> ApproveAsync(long discrepancyId, string reviewer, string? note = null, CancellationToken cancellationToken = default) =>
        DecideAsync(discrepancyId, reviewer, note, _sql.Approve, cancellationToken);

    /// <summary>Rejects a pending discrepancy: the stock of record stays as it is.</summary>
    /// <param name="discrepancyId">The discrepancy.</param>
    /// <param name="reviewer">Who decides; recorded on the discrepancy.</param>
    /// <param name="note">Why, for the audit.</param>
    /// <param name="cancellationToken">Cancels the decision (nothing is changed).</param>
    public Task<ReviewResult> RejectAsync(long discrepancyId, string reviewer, string? note = null, CancellationToken cancellationToken = default) =>
        DecideAsync(discrepancyId, reviewer, note, _sql.Reject, cancellationToken);

    private async Task<ReviewResult> DecideAsync(long id, string reviewer, string? note, string statement, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reviewer);
        await using var connection = await _database.DataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var status = await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            _sql.LockDiscrepancy, new { id }, transaction, cancellationToken: cancellationToken));
        if (status != "pending_review")
        {
            return new ReviewResult(id, status is null ? ReviewOutcome.NotFound : ReviewOutcome.NotPending, status);
        }
        var decided = await connection.ExecuteScalarAsync<string>(new CommandDefinition(
            statement, new { id, actor = reviewer, note }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        var outcome = decided switch
        {
            "approved" => ReviewOutcome.Approved,
            "rejected" => ReviewOutcome.Rejected,
            _ => ReviewOutcome.Stale,
        };
        InventoryLog.Reviewed(_logger, id, reviewer, outcome);
        return new ReviewResult(id, outcome, decided);
    }
}
