using Jobs.Engine.States;
using Jobs.Inventory;
using Jobs.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Jobs.Tests.Inventory;

/// <summary>Reconciling a count snapshot from a file: tolerance, audit, dry run, stale stock, idempotence, full counts.</summary>
public sealed class ReconcileTests : InventoryTests
{
    [Fact]
    public async Task Differences_within_tolerance_are_applied_and_audited()
    {
        await using var engine = await World.StartAsync();
        await World.AddWarehouseAsync("WH1");
        await World.SeedStockAsync("WH1", ("A", 100), ("B", 50), ("C", 10), ("D", 7));
        World.WriteSnapshot("WH1", "count-1", World.Csv(("A", 97), ("B", 50), ("C", 11), ("D", 7)));

        var job = await InventoryScenario.RunAsync(engine, new ReconcileInventoryArgs("WH1", "count-1"));

        Assert.Equal(JobState.Succeeded, job.State);
        Assert.Equal(new Dictionary<string, int> { ["A"] = 97, ["B"] = 50, ["C"] = 11, ["D"] = 7 }, await World.StockAsync("WH1"));
        var run = Assert.Single(await World.RunsAsync());
        Assert.Equal((false, job.Id, 4, 2, 2, 0, 0), (run.DryRun, run.JobId!.Value, run.SkusCounted, run.Discrepancies, run.Applied, run.PendingReview, run.Stale));
        Assert.Equal([("A", "applied"), ("C", "applied")], (await World.DiscrepanciesAsync()).Select(d => (d.Sku, d.Status)));
        var audit = await World.AdjustmentsAsync();
        Assert.Equal(
            [("A", 100, 97, -3, "count", $"inventory.reconcile job {job.Id}", run.Id), ("C", 10, 11, 1, "count", $"inventory.reconcile job {job.Id}", run.Id)],
            audit.Select(a => (a.Sku, a.QuantityBefore, a.QuantityAfter, a.Delta, a.Reason, a.Actor, a.RunId)));
        // Every write to stock moves its version on: the next compare-and-set sees the change.
        Assert.Equal(2, await World.Schema.ScalarAsync<long>("select version from {app}.stock where sku = 'A'"));
        Assert.Equal(1, await World.Schema.ScalarAsync<long>("select version from {app}.stock where sku = 'B'"));
        // The audit is append-only.
        await Assert.ThrowsAsync<PostgresException>(() => World.Schema.ExecuteAsync("update {app}.inventory_adjustment set quantity_after = 1"));
        await Assert.ThrowsAsync<PostgresException>(() => World.Schema.ExecuteAsync("delete from {app}.inventory_adjustment"));
        Assert.Equal(2, (await World.AdjustmentsAsync()).Count);
    }

    [Fact]
    public async Task Differences_over_tolerance_wait_for_review_without_changing_stock()
    {
        await using var engine = await World.StartAsync();
        await World.AddWarehouseAsync("WH1");
        await World.SeedStockAsync("WH1", ("A", 100), ("B", 3), ("C", 40));
        // A: 20 units off (over 5 units); B: 1 unit but 33 % (over 10 %); N: not in the stock of record.
        World.WriteSnapshot("WH1", "count-1", World.Csv(("A", 80), ("B", 2), ("C", 41), ("N", 4)));

        var job = await InventoryScenario.RunAsync(engine, new ReconcileInventoryArgs("WH1", "count-1"));

        Assert.Equal(JobState.Succeeded, job.State);
        Assert.Equal(new Dictionary<string, int> { ["A"] = 100, ["B"] = 3, ["C"] = 41 }, await World.StockAsync("WH1"));
        Assert.Equal([("A", "pending_review"), ("B", "pending_review"), ("C", "applied"), ("N", "pending_review")],
            (await World.DiscrepanciesAsync()).Select(d => (d.Sku, d.Status)));
        Assert.Equal(["C"], (await World.AdjustmentsAsync()).Select(a => a.Sku));
        var pending = await engine.Services.GetRequiredService<InventoryReviews>().PendingAsync("WH1");
        Assert.Equal([("A", 100, 80), ("B", 3, 2), ("N", 0, 4)], pending.Select(p => (p.Sku, p.QuantityOfRecord, p.CountedQuantity)));
    }

    [Fact]
    public async Task Tolerances_come_from_configuration()
    {
        await using var engine = await World.StartAsync(settings: new()
        {
            ["App:Inventory:ToleranceUnits"] = "50",
            ["App:Inventory:TolerancePercent"] = "25",
        });
        await World.AddWarehouseAsync("WH1");
        await World.SeedStockAsync("WH1", ("A", 100), ("B", 100));
        World.WriteSnapshot("WH1", "count-1", World.Csv(("A", 80), ("B", 70)));

        await InventoryScenario.RunAsync(engine, new ReconcileInventoryArgs("WH1", "count-1"));

        Assert.Equal([("A", "applied"), ("B", "pending_review")], (await World.DiscrepanciesAsync()).Select(d => (d.Sku, d.Status)));
    }

    [Fact]
    public async Task A_dry_run_reports_what_would_change_and_changes_no_stock()
    {
        await using var engine = await World.StartAsync();
        await World.AddWarehouseAsync("WH1");
        await World.SeedStockAsync("WH1", ("A", 100), ("B", 100), ("C", 5));
        await World.MoveStockAsync("WH1", "C", 6);
        World.WriteSnapshot("WH1", "count-1", World.Csv(("A", 99), ("B", 50), ("C", 4)));
        var stockBefore = await World.Schema.ScalarAsync<string>("select string_agg(s::text, ',' order by sku) from {app}.stock s");

        var job = await InventoryScenario.RunAsync(engine, new ReconcileInventoryArgs("WH1", "count-1", DryRun: true));

        Assert.Equal(JobState.Succeeded, job.State);
        Assert.Equal(stockBefore, await World.Schema.ScalarAsync<string>("select string_agg(s::text, ',' order by sku) from {app}.stock s"));
        Assert.Empty(await World.AdjustmentsAsync());
        var run = Assert.Single(await World.RunsAsync());
        Assert.Equal((true, 3, 3, 1, 1, 1), (run.DryRun, run.SkusCounted, run.Discrepancies, run.Applied, run.PendingReview, run.Stale));
        Assert.Equal([("A", "adjust", "dry_run"), ("B", "review", "dry_run"), ("C", "stale", "dry_run")],
            (await World.DiscrepanciesAsync()).Select(d => (d.Sku, d.Action, d.Status)));
        Assert.Contains(engine.Logs.Lines, l => l.EventId.Id == 3101 && l.Message.Contains("1 would be applied", StringComparison.Ordinal));

        // A dry run does not use up the snapshot: the real run applies it.
        await InventoryScenario.RunAsync(engine, new ReconcileInventoryArgs("WH1", "count-1"));
        Assert.Equal(99, (await World.StockAsync("WH1"))["A"]);
    }

    [Fact]
    public async Task Stock_that_moved_since_the_count_is_not_overwritten()
    {
        await using var engine = await World.StartAsync();
        await World.AddWarehouseAsync("WH1");
        await World.SeedStockAsync("WH1", ("A", 100), ("B", 20));
        // A sale after the count (an hour ago) was taken: the count no longer describes the stock.
        await World.MoveStockAsync("WH1", "A", 98);
        World.WriteSnapshot("WH1", "count-1", World.Csv(("A", 99), ("B", 19)));

        await InventoryScenario.RunAsync(engine, new ReconcileInventoryArgs("WH1", "count-1"));

        Assert.Equal(new Dictionary<string, int> { ["A"] = 98, ["B"] = 19 }, await World.StockAsync("WH1"));
        var discrepancies = await World.DiscrepanciesAsync();
        Assert.Equal([("A", "stale", "stock moved since the count"), ("B", "applied", null)],
            discrepancies.Select(d => (d.Sku, d.Status, d.Note)));
        Assert.Equal(["B"], (await World.AdjustmentsAsync()).Select(a => a.Sku));
    }

    [Fact]
    public async Task Stock_that_moves_while_the_run_applies_is_not_overwritten()
    {
        await using var engine = await World.StartAsync();
        await World.AddWarehouseAsync("WH1");
        await World.SeedStockAsync("WH1", ("A", 100), ("B", 20));
        World.WriteSnapshot("WH1", "count-1", World.Csv(("A", 98), ("B", 19)));

        // A sale of A is being written while the run compares and applies: the run reads A before
        // the sale commits, then must not overwrite the sale.
        await using var sale = await World.Schema.DataSource.OpenConnectionAsync();
        await using var saleTransaction = await sale.BeginTransactionAsync();
        await using (var update = new NpgsqlCommand($"update {World.Schema.AppSchema}.stock set quantity = 97 where sku = 'A'", sale, saleTransaction))
        {
            await update.ExecuteNonQueryAsync();
        }
        var job = await engine.Client.EnqueueAsync(new ReconcileInventoryArgs("WH1", "count-1"));
        await World.WaitForBlockedApplyAsync();
        await saleTransaction.CommitAsync();

        Assert.Equal(JobState.Succeeded, (await InventoryScenario.FinishedAsync(engine, job.Id)).State);
        Assert.Equal(new Dictionary<string, int> { ["A"] = 97, ["B"] = 19 }, await World.StockAsync("WH1"));
        Assert.Equal([("A", "adjust", "stale", "stock moved during the run"), ("B", "adjust", "applied", null)],
            (await World.DiscrepanciesAsync()).Select(d => (d.Sku, d.Action, d.Status, d.Note)));
        Assert.Equal(["B"], (await World.AdjustmentsAsync()).Select(a => a.Sku));
        Assert.Equal((1, 1), (await World.RunsAsync()).Select(r => (r.Applied, r.Stale)).Single());
    }

    [Fact]
    public async Task Reconciling_the_same_snapshot_again_changes_nothing()
    {
        await using var engine = await World.StartAsync();
        await World.AddWarehouseAsync("WH1");
        await World.SeedStockAsync("WH1", ("A", 100), ("B", 20), ("C", 7));
        World.WriteSnapshot("WH1", "count-1", World.Csv(("A", 98), ("B", 40), ("C", 7), ("N", 3)));
        var first = await InventoryScenario.RunAsync(engine, new ReconcileInventoryArgs("WH1", "count-1"));
        var after = await World.DumpAsync();

        // Again as a new job, and as a re-run of the same job: both find the run and do nothing.
        var second = await InventoryScenario.RunAsync(engine, new ReconcileInventoryArgs("WH1", "count-1"));
        Assert.True(await engine.Client.RequeueAsync(first.Id));
        var third = await Eventually.ReturnsAsync(async () => (await engine.Client.GetAsync(first.Id))!,
            j => j.State == JobState.Succeeded && j.Attempt == 2, "the requeued job to succeed again");

        Assert.Equal(JobState.Succeeded, second.State);
        Assert.Equal(after, await World.DumpAsync());
        Assert.Equal(2, engine.Logs.Lines.Count(l => l.EventId.Id == 3102));
        Assert.Single(await World.AdjustmentsAsync());
        Assert.Equal(2, third.Attempt);
    }

    [Fact]
    public async Task A_full_count_counts_unlisted_skus_as_zero_and_a_cycle_count_leaves_them()
    {
        await using var engine = await World.StartAsync(settings: new() { ["App:Inventory:TolerancePercent"] = "100" });
        await World.AddWarehouseAsync("WH1");
        await World.SeedStockAsync("WH1", ("A", 10), ("B", 2), ("C", 0));
        World.WriteSnapshot("WH1", "cycle", World.Csv(("A", 9)));
        World.WriteSnapshot("WH1", "full", World.Csv(("A", 9)));

        await InventoryScenario.RunAsync(engine, new ReconcileInventoryArgs("WH1", "cycle"));
        Assert.Equal(new Dictionary<string, int> { ["A"] = 9, ["B"] = 2, ["C"] = 0 }, await World.StockAsync("WH1"));

        await InventoryScenario.RunAsync(engine, new ReconcileInventoryArgs("WH1", "full", FullCount: true));
        Assert.Equal(new Dictionary<string, int> { ["A"] = 9, ["B"] = 0, ["C"] = 0 }, await World.StockAsync("WH1"));
        var b = Assert.Single(await World.AdjustmentsAsync(), a => a.Sku == "B");
        Assert.Equal((2, 0), (b.QuantityBefore, b.QuantityAfter));
    }
}
