namespace Jobs.Inventory.Snapshots;

/// <summary>A row of the warehouse table: its code and where it publishes snapshots (<c>http</c> or <c>file</c>).</summary>
internal sealed record WarehouseRow(string Code, string SnapshotSource);
