using Jobs.Engine.States;
using Jobs.Inventory;
using Jobs.Testing;
using Npgsql;

namespace Jobs.Tests.Inventory;

/// <summary>A worker process killed in the middle of a reconciliation: nothing half-done is left, and the rescued job applies it once.</summary>
public sealed class CrashTests : InventoryTests
{
    [Fact]
    public async Task A_worker_killed_halfway_leaves_nothing_and_the_rescued_job_applies_the_snapshot_once()
    {
        var settings = new Dictionary<string, string> { ["App__Inventory__SnapshotDirectory"] = World.SnapshotDirectory };
        using var first = HostProcess.StartWorker(World.Schema, settings);
        await Eventually.TrueAsync(() => World.Schema.ScalarAsync<bool>("select to_regclass('{app}.stock') is not null"),
            "the worker to migrate the business schema");
        await using var client = await World.StartAsync(server: false);
        await World.AddWarehouseAsync("WH1");
        await World.Schema.ExecuteAsync("""
            insert into {app}.stock (warehouse, sku, quantity, updated_at)
            select 'WH1', 'SKU-' || lpad(i::text, 4, '0'), 50, now() - interval '2 hours' from generate_series(0, 999) i
            """);
        World.WriteSnapshot("WH1", "count-1",
            World.Csv(Enumerable.Range(0, 1000).Select(i => ($"SKU-{i:D4}", i % 4 == 0 ? 48 : 50)).ToArray()));
        var before = await World.DumpAsync();

        // Hold one stock row so the run stops inside its apply: the run row, the snapshot and the
        // comparison are written (uncommitted) by then. Kill the worker there.
        await using (var holder = await World.Schema.DataSource.OpenConnectionAsync())
        {
            await using var hold = await holder.BeginTransactionAsync();
            await using (var lockRow = new NpgsqlCommand($"select 1 from {World.Schema.AppSchema}.stock where sku = 'SKU-0000' for update", holder, hold))
            {
                await lockRow.ExecuteScalarAsync();
            }
            var job = await client.Client.EnqueueAsync(new ReconcileInventoryArgs("WH1", "count-1"));
            await World.WaitForBlockedApplyAsync();
            first.Crash();
            await first.WaitForExitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal(before, await World.DumpAsync());
            await hold.RollbackAsync();

            using var second = HostProcess.StartWorker(World.Schema, settings);
            var info = await Eventually.ReturnsAsync(async () => (await client.Client.GetAsync(job.Id))!,
                j => j.State is JobState.Succeeded or JobState.Dead, "the rescued job to finish", TimeSpan.FromSeconds(60));

            Assert.Equal((JobState.Succeeded, 2), (info.State, info.Attempt));
            Assert.Equal("rescued", Assert.Single(info.Errors).Type);
        }
        Assert.Equal(250, (await World.AdjustmentsAsync()).Count);
        Assert.Equal(250 * 48 + 750 * 50, (await World.StockAsync("WH1")).Values.Sum());
        var run = Assert.Single(await World.RunsAsync());
        Assert.Equal((1000, 250, 250), (run.SkusCounted, run.Discrepancies, run.Applied));
    }
}
