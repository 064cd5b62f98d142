namespace Jobs.Inventory;

/// <summary>The parameters of a run's statements (Dapper binds the ones each statement names).</summary>
internal sealed class RunParameters(ReconcileInventoryArgs args, long? jobId, string source, InventoryOptions options)
{
    public string Warehouse { get; } = args.Warehouse;
    public string SnapshotId { get; } = args.SnapshotId;
    public bool DryRun { get; } = args.DryRun;
    public bool FullCount { get; } = args.FullCount;
    public string Source { get; } = source;
    public long? JobId { get; } = jobId;
    public int ToleranceUnits { get; } = options.ToleranceUnits;
    public decimal TolerancePercent { get; } = (decimal)options.TolerancePercent;

    /// <summary>Who applied the adjustments, for the audit.</summary>
    public string Actor { get; } = jobId is { } id ? $"{ReconcileInventoryArgs.Kind} job {id}" : ReconcileInventoryArgs.Kind;

    public long RunId { get; set; }
    public int SkusCounted { get; set; }
    public DateTimeOffset? CountedFrom { get; set; }
    public DateTimeOffset? CountedTo { get; set; }
    public string PhaseMs { get; set; } = "{}";
}
