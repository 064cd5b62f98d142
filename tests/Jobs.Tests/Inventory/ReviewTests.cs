using Jobs.Inventory;
using Microsoft.Extensions.DependencyInjection;

namespace Jobs.Tests.Inventory;

/// <summary>The operator's review of discrepancies over tolerance: approve, reject, too late, twice.</summary>
public sealed class ReviewTests : InventoryTests
{
    private async Task<(InventoryReviews Reviews, Dictionary<string, long> Ids)> ReconcileAsync(Testing.TestEngine engine)
    {
        await World.AddWarehouseAsync("WH1");
        await World.SeedStockAsync("WH1", ("A", 100), ("B", 3), ("C", 40));
        World.WriteSnapshot("WH1", "count-1", World.Csv(("A", 80), ("B", 2), ("C", 60), ("N", 4)));
        await InventoryScenario.RunAsync(engine, new ReconcileInventoryArgs("WH1", "count-1"));
        var reviews = engine.Services.GetRequiredService<InventoryReviews>();
        return (reviews, (await reviews.PendingAsync("WH1")).ToDictionary(p => p.Sku, p => p.Id));
    }

    [Fact]
    public async Task An_approval_applies_the_count_and_audits_the_reviewer_and_a_rejection_keeps_the_stock()
    {
        await using var engine = await World.StartAsync();
        var (reviews, ids) = await ReconcileAsync(engine);
        Assert.Equal(["A", "B", "C", "N"], ids.Keys.Order());

        Assert.Equal(ReviewOutcome.Approved, (await reviews.ApproveAsync(ids["A"], "alice", "recounted twice")).Outcome);
        Assert.Equal(ReviewOutcome.Rejected, (await reviews.RejectAsync(ids["B"], "alice", "scanner fault")).Outcome);
        Assert.Equal(ReviewOutcome.Approved, (await reviews.ApproveAsync(ids["N"], "bob")).Outcome);

        Assert.Equal(new Dictionary<string, int> { ["A"] = 80, ["B"] = 3, ["C"] = 40, ["N"] = 4 }, await World.StockAsync("WH1"));
        Assert.Equal([("A", 100, 80, "review", "alice", "recounted twice"), ("N", 0, 4, "review", "bob", null)],
            (await World.AdjustmentsAsync()).Select(a => (a.Sku, a.QuantityBefore, a.QuantityAfter, a.Reason, a.Actor, a.Note)));
        Assert.Equal([("A", "approved", "alice"), ("B", "rejected", "alice"), ("C", "pending_review", null), ("N", "approved", "bob")],
            (await World.DiscrepanciesAsync()).Select(d => (d.Sku, d.Status, d.ResolvedBy)));
        Assert.Equal(["C"], (await reviews.PendingAsync("WH1")).Select(p => p.Sku));
    }

    [Fact]
    public async Task Deciding_twice_changes_nothing_the_second_time()
    {
        await using var engine = await World.StartAsync();
        var (reviews, ids) = await ReconcileAsync(engine);
        await reviews.ApproveAsync(ids["A"], "alice");
        var after = await World.DumpAsync();

        var again = await reviews.ApproveAsync(ids["A"], "bob");
        var reject = await reviews.RejectAsync(ids["A"], "bob");
        var missing = await reviews.ApproveAsync(-1, "bob");

        Assert.Equal((ReviewOutcome.NotPending, "approved"), (again.Outcome, again.Status));
        Assert.Equal(ReviewOutcome.NotPending, reject.Outcome);
        Assert.Equal((ReviewOutcome.NotFound, null), (missing.Outcome, missing.Status));
        Assert.Equal(after, await World.DumpAsync());
    }

    [Fact]
    public async Task Approving_after_the_stock_moved_is_stale_and_does_not_overwrite_it()
    {
        await using var engine = await World.StartAsync();
        var (reviews, ids) = await ReconcileAsync(engine);
        await World.MoveStockAsync("WH1", "A", 95);

        var result = await reviews.ApproveAsync(ids["A"], "alice", "looks right");

        Assert.Equal((ReviewOutcome.Stale, "stale"), (result.Outcome, result.Status));
        Assert.Equal(95, (await World.StockAsync("WH1"))["A"]);
        Assert.Empty(await World.AdjustmentsAsync());
        Assert.Equal("stock moved before the review: looks right", (await World.DiscrepanciesAsync()).Single(d => d.Sku == "A").Note);
    }
}
