namespace Jobs.Inventory.Snapshots;

/// <summary>One counted SKU of a snapshot.</summary>
/// <param name="Sku">The SKU, trimmed.</param>
/// <param name="Quantity">The counted quantity (never negative).</param>
/// <param name="CountedAt">When the SKU was counted.</param>
internal readonly record struct CountRow(string Sku, int Quantity, DateTimeOffset CountedAt);
