namespace Jobs.Inventory;

/// <summary>What an operator's decision on a discrepancy did.</summary>
public enum ReviewOutcome
{
    /// <summary>Approved: the counted quantity is now the stock of record, and the adjustment is audited.</summary>
    Approved,

    /// <summary>Rejected: the stock of record stays as it is.</summary>
    Rejected,

    /// <summary>
    /// Approved too late: the stock changed after the count was compared, so the counted quantity
    /// was not applied (it would overwrite the newer movement). Count again.
    /// </summary>
    Stale,

    /// <summary>The discrepancy was not waiting for review (already decided, applied, stale, or from a dry run).</summary>
    NotPending,

    /// <summary>There is no discrepancy with that id.</summary>
    NotFound,
}

/// <summary>The result of a review decision.</summary>
/// <param name="DiscrepancyId">The discrepancy decided on.</param>
/// <param name="Outcome">What the decision did.</param>
/// <param name="Status">The discrepancy's status now (null when not found).</param>
public sealed record ReviewResult(long DiscrepancyId, ReviewOutcome Outcome, string? Status);
