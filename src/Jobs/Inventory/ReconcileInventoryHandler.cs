using System.Diagnostics;
using System.Text.RegularExpressions;
using Jobs.Engine.Handlers;
using Microsoft.Extensions.Logging;

namespace Jobs.Inventory;

/// <summary>Runs <c>inventory.reconcile</c>: checks the arguments, reconciles, reports.</summary>
internal sealed partial class ReconcileInventoryHandler(
    InventoryReconciler reconciler, InventoryFanOut fanOut, ILogger<ReconcileInventoryHandler> logger)
    : IJobHandler<ReconcileInventoryArgs>
{
    public async Task ExecuteAsync(JobContext<ReconcileInventoryArgs> job, CancellationToken cancellationToken)
    {
        var args = job.Args;
        if (args.Warehouse == InventoryFanOut.AllWarehouses)
        {
            if (args.SnapshotId != Snapshots.SnapshotSource.Latest)
            {
                throw new PermanentJobFailureException(
                    $"Warehouse '*' reconciles every warehouse's latest snapshot; snapshot id '{args.SnapshotId}' names one warehouse's snapshot.");
            }
            InventoryLog.FannedOut(logger, await fanOut.EnqueueAsync(args, job.Id, cancellationToken));
            return;
        }
        // Both become URL and path segments: plain names only, so no path can leave the snapshot folder.
        if (!WarehouseCode().IsMatch(args.Warehouse))
        {
            throw new PermanentJobFailureException(
                $"Warehouse code '{args.Warehouse}' is not valid: 1 to 64 letters, digits, '-' or '_'.");
        }
        if (!SnapshotId().IsMatch(args.SnapshotId))
        {
            throw new PermanentJobFailureException(
                $"Snapshot id '{args.SnapshotId}' is not valid: 1 to 128 letters, digits, '.', '-' or '_', starting with a letter or digit.");
        }

        var started = Stopwatch.GetTimestamp();
        var report = await reconciler.ReconcileAsync(args, job.Id, cancellationToken);
        var elapsed = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        var outcome = report.Outcome;
        if (report.SnapshotId is null)
        {
            return; // "latest" with nothing published: logged by the reconciler
        }
        if (report.AlreadyReconciled)
        {
            InventoryLog.AlreadyReconciled(logger, args.Warehouse, report.SnapshotId, report.RunId);
        }
        else if (args.DryRun)
        {
            InventoryLog.DryRun(logger, args.Warehouse, report.SnapshotId, report.RunId!.Value, report.SkusCounted,
                outcome.Discrepancies, outcome.Applied, outcome.PendingReview, outcome.Stale, elapsed);
        }
        else
        {
            InventoryLog.Reconciled(logger, args.Warehouse, report.SnapshotId, report.RunId!.Value, report.SkusCounted,
                outcome.Discrepancies, outcome.Applied, outcome.PendingReview, outcome.Stale, elapsed);
        }
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex WarehouseCode();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")]
    private static partial Regex SnapshotId();
}
