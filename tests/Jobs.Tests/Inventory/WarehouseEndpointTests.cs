using Jobs.Engine.States;
using Jobs.Inventory;
using Jobs.Testing;
using Jobs.Sandbox.Warehouse;
using Jobs.Tests.Support;

namespace Jobs.Tests.Inventory;

/// <summary>Snapshots from the warehouse endpoint (the sandbox's warehouse on loopback): success, 404, retried failures.</summary>
public sealed class WarehouseEndpointTests : InventoryTests
{
    [Fact]
    public async Task A_snapshot_from_the_warehouse_endpoint_is_reconciled()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        await using var engine = await World.StartAsync(sandbox);
        await World.AddWarehouseAsync("WH-EAST", source: "http");
        await World.SeedStockAsync("WH-EAST", ("A", 100), ("B", 50));
        sandbox.Get<WarehouseState>().PutSnapshot("WH-EAST", "2024-06-01.1", World.Csv(("A", 101), ("B", 30)));

        var job = await InventoryScenario.RunAsync(engine, new ReconcileInventoryArgs("WH-EAST", "2024-06-01.1"));

        Assert.Equal(JobState.Succeeded, job.State);
        Assert.Equal(new Dictionary<string, int> { ["A"] = 101, ["B"] = 50 }, await World.StockAsync("WH-EAST"));
        Assert.Equal([("A", "applied"), ("B", "pending_review")], (await World.DiscrepanciesAsync()).Select(d => (d.Sku, d.Status)));
        Assert.Equal($"{sandbox.BaseUri}warehouse/WH-EAST/snapshots/2024-06-01.1",
            await World.Schema.ScalarAsync<string>("select source from {app}.inventory_run"));
        Assert.Equal(1, sandbox.Get<WarehouseState>().Requests("WH-EAST", "2024-06-01.1"));
    }

    [Fact]
    public async Task A_snapshot_the_endpoint_does_not_have_is_dead_at_once()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        await using var engine = await World.StartAsync(sandbox);
        await World.AddWarehouseAsync("WH-EAST", source: "http");
        sandbox.Get<WarehouseState>().AddWarehouse("WH-EAST");

        var job = await InventoryScenario.RunAsync(engine, new ReconcileInventoryArgs("WH-EAST", "missing"));

        Assert.Equal((JobState.Dead, 1), (job.State, job.Attempt));
        Assert.Equal(
            $"Snapshot 'missing' of warehouse 'WH-EAST' does not exist: {sandbox.BaseUri}warehouse/WH-EAST/snapshots/missing answered 404 warehouse 'WH-EAST' has no snapshot 'missing'",
            Assert.Single(job.Errors).Error);
        Assert.Empty(await World.RunsAsync());
    }

    [Fact]
    public async Task Server_errors_from_the_warehouse_are_retried_until_it_answers()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        await using var engine = await World.StartAsync(sandbox);
        await World.AddWarehouseAsync("WH-EAST", source: "http");
        await World.SeedStockAsync("WH-EAST", ("A", 100));
        var warehouse = sandbox.Get<WarehouseState>();
        warehouse.PutSnapshot("WH-EAST", "count-1", World.Csv(("A", 99)));
        warehouse.FailNext(2, 503);

        var job = await InventoryScenario.RunAsync(engine, new ReconcileInventoryArgs("WH-EAST", "count-1"));

        Assert.Equal((JobState.Succeeded, 3), (job.State, job.Attempt));
        Assert.All(job.Errors, e =>
        {
            Assert.Equal(typeof(Engine.Handlers.RetryJobException).FullName, e.Type);
            Assert.Contains("answered 503 warehouse system unavailable", e.Error, StringComparison.Ordinal);
        });
        Assert.Equal(2, job.Errors.Count);
        Assert.Equal(3, warehouse.Requests("WH-EAST", "count-1"));
        Assert.Equal(99, (await World.StockAsync("WH-EAST"))["A"]);
        Assert.Single(await World.AdjustmentsAsync());
    }

    [Theory]
    // Dropped once: the handler sends the GET again at once, and the first attempt succeeds.
    [InlineData(1, 1, 2)]
    // Dropped on the call and both quick retries: the attempt fails, the job's next one succeeds.
    [InlineData(3, 2, 4)]
    public async Task A_connection_dropped_without_an_answer_is_retried_within_the_attempt_at_most_twice(int drops, int attempts, int requests)
    {
        await using var sandbox = await SandboxHost.StartAsync();
        await using var engine = await World.StartAsync(sandbox);
        await World.AddWarehouseAsync("WH-EAST", source: "http");
        await World.SeedStockAsync("WH-EAST", ("A", 100));
        var warehouse = sandbox.Get<WarehouseState>();
        warehouse.PutSnapshot("WH-EAST", "count-1", World.Csv(("A", 98)));
        warehouse.FailNext(drops, WarehouseState.DropConnection);

        var job = await InventoryScenario.RunAsync(engine, new ReconcileInventoryArgs("WH-EAST", "count-1"));

        Assert.Equal((JobState.Succeeded, attempts), (job.State, job.Attempt));
        Assert.Equal(attempts - 1, job.Errors.Count);
        Assert.All(job.Errors, e => Assert.StartsWith("The warehouse endpoint is unavailable", e.Error, StringComparison.Ordinal));
        Assert.Equal(requests, warehouse.Requests("WH-EAST", "count-1"));
        Assert.Equal(98, (await World.StockAsync("WH-EAST"))["A"]);
    }

    [Fact]
    public async Task An_unreachable_warehouse_endpoint_is_retried()
    {
        // A port nothing listens on: the connection is refused.
        using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        var port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        await using var engine = await World.StartAsync(settings: new() { ["App:Inventory:WarehouseUrl"] = $"http://127.0.0.1:{port}/warehouse/" });
        await World.AddWarehouseAsync("WH-EAST", source: "http");

        var job = await engine.Client.EnqueueAsync(new ReconcileInventoryArgs("WH-EAST", "count-1"));
        var info = await Eventually.ReturnsAsync(async () => (await engine.Client.GetAsync(job.Id))!, j => j.Errors.Count >= 2,
            "two failed attempts");

        Assert.NotEqual(JobState.Dead, info.State);
        Assert.All(info.Errors, e => Assert.StartsWith(
            $"The warehouse endpoint is unavailable (http://127.0.0.1:{port}/warehouse/WH-EAST/snapshots/count-1)", e.Error, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_warehouse_url_that_is_not_http_stops_the_worker_at_start_naming_the_key()
    {
        using var host = TestEngine.Build(World.Schema, jobs => jobs.AddBusinessJobs(), new Dictionary<string, string?>
        {
            ["App:Schema"] = World.Schema.AppSchema,
            ["App:Webhooks:SecretKey"] = TestKeys.WebhookSecretKey,
            ["App:Inventory:WarehouseUrl"] = "ftp://wms.example/warehouse/",
        }, server: false, services: null, out _);

        var failure = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("App:Inventory:WarehouseUrl must be an absolute http or https URL; it is 'ftp://wms.example/warehouse/'.",
            failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Latest_reconciles_the_newest_published_snapshot_and_then_does_nothing_until_a_newer_one()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        await using var engine = await World.StartAsync(sandbox);
        await World.AddWarehouseAsync("WH-EAST", source: "http");
        await World.SeedStockAsync("WH-EAST", ("A", 100));
        var warehouse = sandbox.Get<WarehouseState>();
        warehouse.PutSnapshot("WH-EAST", "2026-11-20T09", World.Csv(("A", 98)));
        warehouse.PutSnapshot("WH-EAST", "2026-11-21T09", World.Csv(("A", 99)));

        var first = await InventoryScenario.RunAsync(engine, new ReconcileInventoryArgs("WH-EAST", "latest"));
        var again = await InventoryScenario.RunAsync(engine, new ReconcileInventoryArgs("WH-EAST", "latest"));

        Assert.Equal((JobState.Succeeded, JobState.Succeeded), (first.State, again.State));
        Assert.Equal(["2026-11-21T09"], (await World.RunsAsync()).Select(r => r.SnapshotId));
        Assert.Equal(new Dictionary<string, int> { ["A"] = 99 }, await World.StockAsync("WH-EAST"));
        Assert.Equal(1, warehouse.Requests("WH-EAST", "2026-11-21T09"));
        Assert.Equal(0, warehouse.Requests("WH-EAST", "2026-11-20T09"));
    }

    [Fact]
    public async Task Latest_from_files_takes_the_greatest_file_name_and_none_is_not_an_error()
    {
        await using var engine = await World.StartAsync();
        await World.AddWarehouseAsync("WH-FILE", source: "file");
        await World.SeedStockAsync("WH-FILE", ("A", 10));

        var empty = await InventoryScenario.RunAsync(engine, new ReconcileInventoryArgs("WH-FILE", "latest"));
        World.WriteSnapshot("WH-FILE", "2026-01-01", World.Csv(("A", 9)));
        World.WriteSnapshot("WH-FILE", "2026-02-01", World.Csv(("A", 11)));
        var latest = await InventoryScenario.RunAsync(engine, new ReconcileInventoryArgs("WH-FILE", "latest"));

        Assert.Equal(JobState.Succeeded, empty.State);
        Assert.Equal(JobState.Succeeded, latest.State);
        Assert.Equal(["2026-02-01"], (await World.RunsAsync()).Select(r => r.SnapshotId));
        Assert.Equal(new Dictionary<string, int> { ["A"] = 11 }, await World.StockAsync("WH-FILE"));
    }

    [Fact]
    public async Task Every_warehouse_reconciles_its_latest_snapshot_through_one_job_per_warehouse()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        await using var engine = await World.StartAsync(sandbox);
        var warehouse = sandbox.Get<WarehouseState>();
        foreach (var code in new[] { "WH-EAST", "WH-WEST" })
        {
            await World.AddWarehouseAsync(code, source: "http");
            await World.SeedStockAsync(code, ("A", 100));
            warehouse.PutSnapshot(code, "2026-11-21T09", World.Csv(("A", 97)));
        }

        var fanOut = await InventoryScenario.RunAsync(engine, new ReconcileInventoryArgs("*", "latest"));

        Assert.Equal(JobState.Succeeded, fanOut.State);
        await Eventually.TrueAsync(async () => (await World.RunsAsync()).Count == 2, "both warehouses to be reconciled");
        Assert.Equal(new Dictionary<string, int> { ["A"] = 97 }, await World.StockAsync("WH-EAST"));
        await Eventually.TrueAsync(async () => (await World.StockAsync("WH-WEST"))["A"] == 97, "the second warehouse to be applied");
        Assert.Equal(["WH-EAST", "WH-WEST"], await World.Schema.QueryAsync<string>(
            "select partition_key from {s}.job where kind = 'inventory.reconcile' and args->>'warehouse' <> '*' order by 1"));
    }
}
