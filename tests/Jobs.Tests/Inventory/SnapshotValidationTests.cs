using System.Text;
using Jobs.Engine.States;
using Jobs.Inventory;
using Jobs.Testing;

namespace Jobs.Tests.Inventory;

/// <summary>Bad snapshots and bad arguments: the job is dead at once with a reason that names the problem, and nothing is left behind.</summary>
public sealed class SnapshotValidationTests : InventoryTests
{
    private const string Time = "2024-06-01T06:30:00Z";

    public static TheoryData<string, string> Malformed => new()
    {
        { $"sku,quantity,counted_at\nA,1,{Time}\nB,2\nC,3,{Time}\n", "1 bad line (line 3: 2 fields where the header has 3)" },
        { $"sku,quantity,counted_at\nA,1,{Time}\nB,lots,{Time}\n", "line 3: quantity 'lots' is not a whole number" },
        { $"sku,quantity,counted_at\nA,1.5,{Time}\n", "line 2: quantity '1.5' is not a whole number" },
        { $"sku,quantity,counted_at\nA,1,{Time}\nB,2,{Time}\nC,-4,{Time}\n", "line 4: quantity -4 is negative" },
        { $"sku,quantity,counted_at\nA,1,{Time}\nB,2,{Time}\nC,3,{Time}\nA,4,{Time}\n", "line 5: sku 'A' repeats line 2" },
        { $"A,1,{Time}\nB,2,{Time}\n", "line 1: the header must name the columns sku, quantity, counted_at once each; found 'A,1," },
        { $"sku,quantity,counted_at\nA,1,yesterday\n", "line 2: counted_at 'yesterday' is not an ISO 8601 time with an offset" },
        { $"sku,quantity,counted_at\nA,1,2024-06-01T06:30:00\n", "line 2: counted_at '2024-06-01T06:30:00' is not an ISO 8601 time" },
        { $"sku,quantity,counted_at\n\"A,1,{Time}\n", "line 2: a quoted field is not closed" },
        { $"sku,quantity,counted_at\n,1,{Time}\n", "line 2: the sku is empty" },
        { "", "is empty: it has no header line" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public async Task A_malformed_snapshot_is_dead_at_once_naming_the_bad_lines(string csv, string expected)
    {
        await using var engine = await World.StartAsync();
        await World.AddWarehouseAsync("WH1");
        await World.SeedStockAsync("WH1", ("A", 10), ("B", 10), ("C", 10));
        World.WriteSnapshot("WH1", "bad", csv);
        var before = await World.DumpAsync();

        var job = await InventoryScenario.RunAsync(engine, new ReconcileInventoryArgs("WH1", "bad"));

        Assert.Equal(JobState.Dead, job.State);
        Assert.Equal(1, job.Attempt);
        var error = Assert.Single(job.Errors);
        Assert.Equal(typeof(Engine.Handlers.PermanentJobFailureException).FullName, error.Type);
        Assert.Contains("Snapshot WH1/bad", error.Error, StringComparison.Ordinal);
        Assert.Contains(expected, error.Error, StringComparison.Ordinal);
        Assert.Equal(before, await World.DumpAsync());
    }

    [Fact]
    public async Task Many_bad_lines_are_named_first_few_and_counted()
    {
        await using var engine = await World.StartAsync();
        await World.AddWarehouseAsync("WH1");
        var csv = new StringBuilder("sku,quantity,counted_at\n");
        for (var i = 0; i < 30; i++)
        {
            // Every third line is bad: lines 2, 5, 8, ... (the header is line 1).
            csv.Append(i % 3 == 0 ? $"S{i},x,{Time}\n" : $"S{i},{i},{Time}\n");
        }
        World.WriteSnapshot("WH1", "bad", csv.ToString());

        var job = await InventoryScenario.RunAsync(engine, new ReconcileInventoryArgs("WH1", "bad"));

        var error = Assert.Single(job.Errors).Error;
        Assert.Contains("10 bad lines (line 2: quantity 'x' is not a whole number; line 5: ", error, StringComparison.Ordinal);
        Assert.Contains("; line 14: quantity 'x' is not a whole number; and 5 more). Nothing was applied.", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_snapshot_that_fails_on_its_last_line_leaves_nothing_behind_and_applies_once_when_fixed()
    {
        await using var engine = await World.StartAsync();
        await World.AddWarehouseAsync("WH1");
        var rows = Enumerable.Range(0, 2_000).Select(i => ($"SKU-{i:D5}", 100)).ToArray();
        await World.Schema.ExecuteAsync("""
            insert into {app}.stock (warehouse, sku, quantity, updated_at)
            select 'WH1', 'SKU-' || lpad(i::text, 5, '0'), 100, now() - interval '2 hours' from generate_series(0, 1999) i
            """);
        // Every tenth SKU is one short (within tolerance); the last line of the file is bad.
        var counted = rows.Select((r, i) => (r.Item1, i % 10 == 0 ? 99 : 100)).ToArray();
        var good = World.Csv(counted);
        World.WriteSnapshot("WH1", "count-1", good + "SKU-99999,-1," + World.CountedAt.ToString("O") + "\n");
        var before = await World.DumpAsync();

        var failed = await InventoryScenario.RunAsync(engine, new ReconcileInventoryArgs("WH1", "count-1"));

        Assert.Equal(JobState.Dead, failed.State);
        Assert.Contains("line 2002: quantity -1 is negative", Assert.Single(failed.Errors).Error, StringComparison.Ordinal);
        Assert.Equal(before, await World.DumpAsync());

        // The warehouse publishes the corrected file; the operator requeues the dead job.
        World.WriteSnapshot("WH1", "count-1", good);
        Assert.True(await engine.Client.RequeueAsync(failed.Id));
        var fixedJob = await Eventually.ReturnsAsync(async () => (await engine.Client.GetAsync(failed.Id))!,
            j => j.State == JobState.Succeeded, "the requeued job to succeed");
        await InventoryScenario.RunAsync(engine, new ReconcileInventoryArgs("WH1", "count-1"));

        Assert.Equal(2, fixedJob.Attempt);
        Assert.Equal(200, (await World.AdjustmentsAsync()).Count);
        Assert.Equal(1_800 * 100 + 200 * 99, (await World.StockAsync("WH1")).Values.Sum());
        Assert.Single(await World.RunsAsync());
    }

    [Fact]
    public async Task An_unknown_warehouse_is_dead_at_once()
    {
        await using var engine = await World.StartAsync();

        var job = await InventoryScenario.RunAsync(engine, new ReconcileInventoryArgs("NOPE", "count-1"));

        Assert.Equal((JobState.Dead, 1), (job.State, job.Attempt));
        Assert.StartsWith("Unknown warehouse 'NOPE'", Assert.Single(job.Errors).Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_snapshot_file_is_dead_at_once()
    {
        await using var engine = await World.StartAsync();
        await World.AddWarehouseAsync("WH1");

        var job = await InventoryScenario.RunAsync(engine, new ReconcileInventoryArgs("WH1", "count-9"));

        Assert.Equal((JobState.Dead, 1), (job.State, job.Attempt));
        var error = Assert.Single(job.Errors).Error;
        Assert.StartsWith("Snapshot 'count-9' of warehouse 'WH1' does not exist: no file ", error, StringComparison.Ordinal);
        Assert.Contains(Path.Combine("WH1", "count-9.csv"), error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("WH1", "../../etc/passwd", "Snapshot id '../../etc/passwd' is not valid")]
    [InlineData("WH/1", "count-1", "Warehouse code 'WH/1' is not valid")]
    public async Task Arguments_that_are_not_plain_names_are_dead_at_once(string warehouse, string snapshotId, string expected)
    {
        await using var engine = await World.StartAsync();

        var job = await InventoryScenario.RunAsync(engine, new ReconcileInventoryArgs(warehouse, snapshotId));

        Assert.Equal((JobState.Dead, 1), (job.State, job.Attempt));
        Assert.StartsWith(expected, Assert.Single(job.Errors).Error, StringComparison.Ordinal);
    }
}
