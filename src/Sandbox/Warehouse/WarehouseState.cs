using System.Collections.Concurrent;
using System.Text;

namespace Jobs.Sandbox.Warehouse;

/// <summary>
/// The warehouse peer's state: count snapshots by warehouse and id (CSV as the warehouse would
/// publish them), scripted failures, and a count of the requests it answered.
/// </summary>
public sealed class WarehouseState
{
    private readonly ConcurrentDictionary<(string Warehouse, string SnapshotId), byte[]> _snapshots = new();
    private readonly ConcurrentDictionary<string, bool> _warehouses = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Warehouse, string SnapshotId), int> _requests = new();
    private readonly Lock _failureLock = new();
    private int _failuresLeft;
    private int _failureStatus;

    /// <summary>
    /// A small snapshot of warehouse <c>demo</c>, id <c>sample</c>, for scripts/run.sh demos, and one
    /// of each of warehouses <c>WH1</c> and <c>WH2</c>, the ones docs/api.md reconciles.
    /// </summary>
    public WarehouseState()
    {
        PutSnapshot("demo", "sample", $"""
            sku,quantity,counted_at
            DEMO-001,12,{DateTimeOffset.UtcNow:O}
            DEMO-002,0,{DateTimeOffset.UtcNow:O}
            DEMO-003,7,{DateTimeOffset.UtcNow:O}
            """);
        foreach (var warehouse in DocsWarehouses)
        {
            PutSnapshot(warehouse, "count-1", $"""
                sku,quantity,counted_at
                {warehouse}-001,5,{DateTimeOffset.UtcNow:O}
                {warehouse}-002,9,{DateTimeOffset.UtcNow:O}
                """);
        }
    }

    /// <summary>The warehouses the examples of docs/api.md name (the worker's demo command adds them to the stock of record).</summary>
    public static IReadOnlyList<string> DocsWarehouses { get; } = ["WH1", "WH2"];

    /// <summary>Publishes (or replaces) a snapshot; the warehouse becomes known.</summary>
    public void PutSnapshot(string warehouse, string snapshotId, string csv) => PutSnapshot(warehouse, snapshotId, Encoding.UTF8.GetBytes(csv));

    /// <summary>Publishes (or replaces) a snapshot given as bytes.</summary>
    public void PutSnapshot(string warehouse, string snapshotId, byte[] csv)
    {
        _warehouses[warehouse] = true;
        _snapshots[(warehouse, snapshotId)] = csv;
    }

    /// <summary>Makes a warehouse known without snapshots (its snapshots answer 404 "no snapshot").</summary>
    public void AddWarehouse(string warehouse) => _warehouses[warehouse] = true;

    /// <summary>A <see cref="FailNext"/> status that drops the connection instead of answering.</summary>
    public const int DropConnection = 0;

    /// <summary>
    /// The next <paramref name="count"/> snapshot requests fail with <paramref name="statusCode"/>,
    /// or get no answer at all (the connection is dropped) with <see cref="DropConnection"/>.
    /// </summary>
    public void FailNext(int count, int statusCode = 503)
    {
        lock (_failureLock)
        {
            _failuresLeft = count;
            _failureStatus = statusCode;
        }
    }

    /// <summary>How many times a snapshot was requested, failures included.</summary>
    public int Requests(string warehouse, string snapshotId) => _requests.GetValueOrDefault((warehouse, snapshotId));

    internal bool IsKnown(string warehouse) => _warehouses.ContainsKey(warehouse);

    internal byte[]? Find(string warehouse, string snapshotId) => _snapshots.GetValueOrDefault((warehouse, snapshotId));

    internal IReadOnlyList<string> SnapshotIds(string warehouse) =>
        _snapshots.Keys.Where(k => k.Warehouse == warehouse).Select(k => k.SnapshotId).Order(StringComparer.Ordinal).ToList();

    /// <summary>Counts the request; returns the status to fail it with, if a failure is scripted.</summary>
    internal int? Request(string warehouse, string snapshotId)
    {
        _requests.AddOrUpdate((warehouse, snapshotId), 1, (_, n) => n + 1);
        lock (_failureLock)
        {
            if (_failuresLeft <= 0)
            {
                return null;
            }
            _failuresLeft--;
            return _failureStatus;
        }
    }
}
