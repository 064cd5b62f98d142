namespace Jobs.Inventory;

/// <summary>A discrepancy over tolerance, waiting for an operator to approve or reject it.</summary>
public sealed record PendingDiscrepancy
{
    /// <summary>The discrepancy id, for <see cref="InventoryReviews.ApproveAsync"/> and <see cref="InventoryReviews.RejectAsync"/>.</summary>
    public long Id { get; init; }

    /// <summary>The run that found it.</summary>
    public long RunId { get; init; }

    /// <summary>The warehouse code.</summary>
    public string Warehouse { get; init; } = "";

    /// <summary>The SKU.</summary>
    public string Sku { get; init; } = "";

    /// <summary>The stock of record when the run compared (0 when there was no stock row).</summary>
    public int QuantityOfRecord { get; init; }

    /// <summary>The counted quantity, which an approval makes the stock of record.</summary>
    public int CountedQuantity { get; init; }

    /// <summary>When the SKU was counted (UTC).</summary>
    public DateTime? CountedAt { get; init; }
}
