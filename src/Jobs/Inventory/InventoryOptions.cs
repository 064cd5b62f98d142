using System.ComponentModel.DataAnnotations;

namespace Jobs.Inventory;

/// <summary>
/// Where warehouse count snapshots come from and how large a difference reconciliation applies on
/// its own. Bound from <c>App:Inventory</c>.
/// </summary>
/// <remarks>
/// A difference is applied without review when it is within <b>both</b> tolerances: at most
/// <see cref="ToleranceUnits"/> units and at most <see cref="TolerancePercent"/> percent of the
/// stock of record. Anything larger (including every SKU the stock of record does not know, whose
/// stock of record is 0) waits for an operator. Set a tolerance very high to rely on the other one
/// alone, or <see cref="ToleranceUnits"/> to 0 to review every difference.
/// </remarks>
public sealed class InventoryOptions : IValidatableObject
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "App:Inventory";

    /// <summary>
    /// The warehouse endpoint's base address, for warehouses whose <c>snapshot_source</c> is
    /// <c>http</c>: a snapshot is <c>GET {WarehouseUrl}{warehouse}/snapshots/{snapshotId}</c>,
    /// answered with CSV. The default value is none.
    /// </summary>
    public string? WarehouseUrl { get; set; }

    /// <summary>
    /// The folder of snapshot files, for warehouses whose <c>snapshot_source</c> is <c>file</c>: a
    /// snapshot is <c>{SnapshotDirectory}/{warehouse}/{snapshotId}.csv</c>. The default value is none.
    /// </summary>
    public string? SnapshotDirectory { get; set; }

    /// <summary>The largest difference, in units, applied without review. The default value is 5.</summary>
    [Range(0, int.MaxValue)]
    public int ToleranceUnits { get; set; } = 5;

    /// <summary>
    /// The largest difference, in percent of the stock of record, applied without review. The
    /// default value is 10.
    /// </summary>
    [Range(0.0, 1_000_000.0)]
    public double TolerancePercent { get; set; } = 10;

    /// <summary>
    /// The most the warehouse endpoint may take to start answering (the body then streams under
    /// the job's own timeout). The default value is 30 seconds.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (WarehouseUrl is { Length: > 0 } url
            && (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
        {
            yield return new ValidationResult($"{SectionName}:WarehouseUrl must be an absolute http or https URL; it is '{url}'.",
                [nameof(WarehouseUrl)]);
        }
    }
}
