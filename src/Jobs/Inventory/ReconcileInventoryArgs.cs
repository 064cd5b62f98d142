using Jobs.Engine.Handlers;

namespace Jobs.Inventory;

/// <summary>
/// Reconciles the stock of record of <paramref name="Warehouse"/> with its count snapshot
/// <paramref name="SnapshotId"/>. Running it again for the same snapshot changes nothing.
/// </summary>
/// <param name="Warehouse">
/// The warehouse code (a row of the <c>warehouse</c> table), or <c>*</c> for every warehouse (then
/// one job per warehouse is enqueued, and the snapshot id must be <c>latest</c>).
/// </param>
/// <param name="SnapshotId">
/// The snapshot's id at the warehouse (letters, digits, '.', '-', '_'), or <c>latest</c> for the
/// newest one it published (the greatest id; with none published, the run does nothing).
/// </param>
/// <param name="DryRun">Report what would change (a run and its discrepancies marked dry run) without changing stock.</param>
/// <param name="FullCount">
/// The snapshot counts the whole warehouse: SKUs of record it does not list were counted as 0.
/// Otherwise (a cycle count) they are left alone.
/// </param>
public sealed record ReconcileInventoryArgs(string Warehouse, string SnapshotId, bool DryRun = false, bool FullCount = false) : IJobArgs
{
    /// <inheritdoc />
    public static string Kind => "inventory.reconcile";
}
