namespace Jobs.Inventory;

/// <summary>What a reconciliation did (or, for a dry run, would do).</summary>
/// <param name="RunId">The run; for a snapshot reconciled before, that earlier run (null if it could not be seen yet).</param>
/// <param name="AlreadyReconciled">True when the snapshot had been reconciled and nothing was done.</param>
/// <param name="SkusCounted">Lines of the snapshot.</param>
/// <param name="Outcome">How many SKUs differed, and what became of them.</param>
/// <param name="PhaseMs">Milliseconds per phase: load, validate, compare, apply, commit.</param>
internal sealed record ReconcileReport(long? RunId, bool AlreadyReconciled, int SkusCounted, RunOutcome Outcome,
    IReadOnlyDictionary<string, long> PhaseMs)
{
    public static ReconcileReport Done(long? runId) => new(runId, true, 0, new RunOutcome(0, 0, 0, 0), new Dictionary<string, long>());

    /// <summary>The snapshot reconciled: the one named, or the newest when <c>latest</c> was asked for (null when there was none).</summary>
    public string? SnapshotId { get; init; }
}

/// <summary>The discrepancies of a run by outcome.</summary>
internal sealed record RunOutcome(int Discrepancies, int Applied, int PendingReview, int Stale);
