using Microsoft.Extensions.Logging;

namespace Jobs.Inventory;

/// <summary>The log messages of inventory reconciliation: event ids 3100-3199.</summary>
internal static partial class InventoryLog
{
    [LoggerMessage(EventId = 3100, Level = LogLevel.Information,
        Message = "Reconciled snapshot {Warehouse}/{SnapshotId} in run {RunId}: {SkusCounted} SKUs counted, {Discrepancies} differ: "
            + "{Applied} applied, {PendingReview} wait for review, {Stale} stale; {ElapsedMs} ms")]
    public static partial void Reconciled(ILogger logger, string warehouse, string snapshotId, long runId, int skusCounted,
        int discrepancies, int applied, int pendingReview, int stale, long elapsedMs);

    [LoggerMessage(EventId = 3101, Level = LogLevel.Information,
        Message = "Dry run of snapshot {Warehouse}/{SnapshotId} in run {RunId}: {SkusCounted} SKUs counted, {Discrepancies} differ: "
            + "{Applied} would be applied, {PendingReview} would wait for review, {Stale} are stale; stock unchanged; {ElapsedMs} ms")]
    public static partial void DryRun(ILogger logger, string warehouse, string snapshotId, long runId, int skusCounted,
        int discrepancies, int applied, int pendingReview, int stale, long elapsedMs);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Information,
        Message = "Snapshot {Warehouse}/{SnapshotId} is already reconciled (run {RunId}); nothing to do")]
    public static partial void AlreadyReconciled(ILogger logger, string warehouse, string snapshotId, long? runId);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Warning, Message = "Snapshot {Warehouse}/{SnapshotId} rejected: {Reason}")]
    public static partial void SnapshotRejected(ILogger logger, string warehouse, string snapshotId, string reason);

    [LoggerMessage(EventId = 3104, Level = LogLevel.Warning, Message = "Warehouse endpoint {Endpoint} is unavailable: {Reason}")]
    public static partial void WarehouseUnavailable(ILogger logger, string endpoint, string reason);

    [LoggerMessage(EventId = 3110, Level = LogLevel.Information,
        Message = "Discrepancy {DiscrepancyId} reviewed by {Reviewer}: {Outcome}")]
    public static partial void Reviewed(ILogger logger, long discrepancyId, string reviewer, ReviewOutcome outcome);

    [LoggerMessage(EventId = 3120, Level = LogLevel.Information, Message = "Warehouse {Warehouse} has published no snapshot yet; nothing to reconcile")]
    public static partial void NoSnapshot(ILogger logger, string warehouse);

    [LoggerMessage(EventId = 3121, Level = LogLevel.Information, Message = "Enqueued the reconciliation of the latest snapshot of {Count} warehouses")]
    public static partial void FannedOut(ILogger logger, int count);
}
