using System.Globalization;
using System.Text;
using Jobs.Engine.Client;
using Jobs.Engine.States;
using Jobs.Inventory;
using Jobs.Testing;
using Jobs.Tests.Support;

namespace Jobs.Tests.Inventory;

/// <summary>
/// One test's world for inventory reconciliation: a test schema, a folder of snapshot files, a
/// worker with the business jobs, and helpers to seed stock, publish snapshots and read the tables.
/// </summary>
internal sealed class InventoryScenario : IAsyncDisposable
{
    public const string Kind = "inventory.reconcile";

    private InventoryScenario(TestSchema schema, string directory)
    {
        Schema = schema;
        SnapshotDirectory = directory;
    }

    public TestSchema Schema { get; }

    /// <summary>The folder of snapshot files ({warehouse}/{snapshotId}.csv).</summary>
    public string SnapshotDirectory { get; }

    /// <summary>When the snapshots of a test were counted: an hour ago. Stock is seeded as last changed two hours ago.</summary>
    public DateTimeOffset CountedAt { get; } = DateTimeOffset.UtcNow.AddHours(-1);

    public static async Task<InventoryScenario> CreateAsync()
    {
        var directory = Path.Combine(Path.GetTempPath(), "inventory-tests-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(directory);
        return new InventoryScenario(await TestSchema.CreateAsync(), directory);
    }

    /// <summary>
    /// Starts a worker with the business jobs reading snapshots from <see cref="SnapshotDirectory"/>
    /// (and from <paramref name="sandbox"/>'s warehouse, if given), with quick retries.
    /// </summary>
    public Task<TestEngine> StartAsync(SandboxHost? sandbox = null, Dictionary<string, string?>? settings = null, bool server = true)
    {
        var values = new Dictionary<string, string?>
        {
            ["App:Inventory:SnapshotDirectory"] = SnapshotDirectory,
            [$"Jobs:Kinds:{Kind}:Retry:BaseDelay"] = "00:00:00.050",
            [$"Jobs:Kinds:{Kind}:Retry:MaxDelay"] = "00:00:00.200",
        };
        if (sandbox is not null)
        {
            values["App:Inventory:WarehouseUrl"] = sandbox.BaseUri + "warehouse/";
        }
        foreach (var (key, value) in settings ?? [])
        {
            values[key] = value;
        }
        return BusinessEngine.StartAsync(Schema, values, server);
    }

    public Task AddWarehouseAsync(string code, string source = "file") =>
        Schema.ExecuteAsync("insert into {app}.warehouse (code, name, snapshot_source) values (@code, @code, @source)", new { code, source });

    /// <summary>Stock of record, last changed two hours ago (before the count).</summary>
    public async Task SeedStockAsync(string warehouse, params (string Sku, int Quantity)[] rows)
    {
        foreach (var (sku, quantity) in rows)
        {
            await Schema.ExecuteAsync(
                "insert into {app}.stock (warehouse, sku, quantity, updated_at) values (@warehouse, @sku, @quantity, now() - interval '2 hours')",
                new { warehouse, sku, quantity });
        }
    }

    /// <summary>A movement of stock (a sale, a receipt) as the order system would write it.</summary>
    public Task MoveStockAsync(string warehouse, string sku, int quantity) =>
        Schema.ExecuteAsync("update {app}.stock set quantity = @quantity where warehouse = @warehouse and sku = @sku", new { warehouse, sku, quantity });

    /// <summary>A snapshot's CSV: the header, then a line per SKU counted at <see cref="CountedAt"/>.</summary>
    public string Csv(params (string Sku, int Quantity)[] rows)
    {
        var csv = new StringBuilder("sku,quantity,counted_at\n");
        foreach (var (sku, quantity) in rows)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{sku},{quantity},{CountedAt:O}\n");
        }
        return csv.ToString();
    }

    public void WriteSnapshot(string warehouse, string snapshotId, string csv)
    {
        Directory.CreateDirectory(Path.Combine(SnapshotDirectory, warehouse));
        File.WriteAllText(Path.Combine(SnapshotDirectory, warehouse, snapshotId + ".csv"), csv);
    }

    /// <summary>Enqueues a reconciliation and waits until it succeeded or is dead.</summary>
    public static async Task<JobInfo> RunAsync(TestEngine engine, ReconcileInventoryArgs args)
    {
        var job = await engine.Client.EnqueueAsync(args);
        return await FinishedAsync(engine, job.Id);
    }

    public static Task<JobInfo> FinishedAsync(TestEngine engine, long id) =>
        Eventually.ReturnsAsync(async () => (await engine.Client.GetAsync(id))!,
            j => j.State is JobState.Succeeded or JobState.Dead, $"job {id} to finish");

    public async Task<Dictionary<string, int>> StockAsync(string warehouse) =>
        (await Schema.QueryAsync<(string Sku, int Quantity)>(
            "select sku, quantity from {app}.stock where warehouse = @warehouse", new { warehouse }))
        .ToDictionary(r => r.Sku, r => r.Quantity);

    public Task<List<Discrepancy>> DiscrepanciesAsync() =>
        Schema.QueryAsync<Discrepancy>("""
            select id as Id, run_id as RunId, sku as Sku, quantity_of_record as QuantityOfRecord, counted_quantity as CountedQuantity,
                   action as Action, status as Status, resolved_by as ResolvedBy, note as Note
              from {app}.inventory_discrepancy order by run_id, sku
            """);

    public Task<List<Adjustment>> AdjustmentsAsync() =>
        Schema.QueryAsync<Adjustment>("""
            select discrepancy_id as DiscrepancyId, run_id as RunId, sku as Sku, quantity_before as QuantityBefore,
                   quantity_after as QuantityAfter, delta as Delta, reason as Reason, actor as Actor, note as Note
              from {app}.inventory_adjustment order by id
            """);

    public Task<List<Run>> RunsAsync() =>
        Schema.QueryAsync<Run>("""
            select id as Id, snapshot_id as SnapshotId, dry_run as DryRun, job_id as JobId, skus_counted as SkusCounted,
                   discrepancies as Discrepancies, applied as Applied, pending_review as PendingReview, stale as Stale
              from {app}.inventory_run order by id
            """);

    /// <summary>Every row of every inventory table, as text: for before/after comparisons.</summary>
    public async Task<string> DumpAsync()
    {
        var dump = new StringBuilder();
        foreach (var table in new[] { "warehouse", "stock", "inventory_run", "inventory_discrepancy", "inventory_adjustment" })
        {
            dump.Append(table).Append(":\n").Append(await Schema.ScalarAsync<string>(
                $"select coalesce(string_agg(t::text, E'\\n' order by t::text), '') from {{app}}.{table} t")).Append('\n');
        }
        return dump.ToString();
    }

    /// <summary>Waits until a reconciliation's apply statement waits for a row lock someone else holds.</summary>
    public Task WaitForBlockedApplyAsync() =>
        Eventually.TrueAsync(() => Schema.ScalarAsync<bool>("""
            select exists (select 1 from pg_stat_activity
                            where wait_event_type = 'Lock' and query like '%' || @table || '%')
            """, new { table = Schema.AppSchema + ".inventory_discrepancy" }), "the apply to wait for a row lock");

    public async ValueTask DisposeAsync()
    {
        await Schema.DisposeAsync();
        Directory.Delete(SnapshotDirectory, recursive: true);
    }

    public sealed record Discrepancy(long Id, long RunId, string Sku, int QuantityOfRecord, int CountedQuantity, string Action, string Status,
        string? ResolvedBy, string? Note);

    public sealed record Adjustment(long DiscrepancyId, long RunId, string Sku, int QuantityBefore, int QuantityAfter, int Delta, string Reason,
        string Actor, string? Note);

    public sealed record Run(long Id, string SnapshotId, bool DryRun, long? JobId, int SkusCounted, int Discrepancies, int Applied,
        int PendingReview, int Stale);
}
