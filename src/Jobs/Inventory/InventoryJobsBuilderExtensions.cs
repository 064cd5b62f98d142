using Jobs.Engine;
using Jobs.Engine.Handlers;
using Jobs.Http;
using Jobs.Inventory.Snapshots;
using Jobs.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;

namespace Jobs.Inventory;

/// <summary>Registers inventory reconciliation (<c>inventory.reconcile</c>) and the review service.</summary>
public static class InventoryJobsBuilderExtensions
{
    /// <summary>Adds the handler, its options (<c>App:Inventory</c>), snapshot sources and <see cref="InventoryReviews"/>.</summary>
    public static JobsBuilder AddInventory(this JobsBuilder jobs)
    {
        var services = jobs.Services;
        services.AddSettings<InventoryOptions>(InventoryOptions.SectionName);
        services.TryAddSingleton(sp => new InventorySql(sp.GetRequiredService<AppDatabase>().Schema));
        // The resilience handler bounds the wait for headers; a snapshot's body may stream for as long as the job runs.
        services.AddHttpClient(SnapshotSource.HttpClientName, http => http.Timeout = Timeout.InfiniteTimeSpan)
            .AddOutboundResilience<InventoryOptions>(o => new(o.RequestTimeout))
            .SelectPipelineByAuthority();
        services.TryAddSingleton<SnapshotSource>();
        services.TryAddSingleton<InventoryReconciler>();
        services.TryAddSingleton<InventoryFanOut>();
        services.TryAddSingleton(sp => new InventoryReviews(
            sp.GetRequiredService<AppDatabase>(), sp.GetRequiredService<InventorySql>(), sp.GetRequiredService<ILogger<InventoryReviews>>()));
        return jobs.AddHandler<ReconcileInventoryHandler, ReconcileInventoryArgs>(kind =>
        {
            // A million SKUs take seconds to tens of seconds; the bound is for a stuck database or a
            // warehouse endpoint that stalls mid-body, not for the work.
            kind.Timeout = TimeSpan.FromMinutes(10);
            kind.SlowThreshold = TimeSpan.FromMinutes(2);
            // Warehouse endpoints go down for minutes to hours (deploys, nightly jobs): back off from
            // 30 s to a 30 minute cap, about 3 hours of attempts in all. Bad snapshots and unknown
            // warehouses fail permanently and never spend these.
            kind.MaxAttempts = 12;
            kind.Retry = new RetryOptions { BaseDelay = TimeSpan.FromSeconds(30), MaxDelay = TimeSpan.FromMinutes(30) };
            // Each run holds a large transaction: at most two at once across all servers, one per
            // warehouse when enqueued with the warehouse code as partition key.
            kind.GlobalLimit = 2;
            kind.PartitionLimit = 1;
        });
    }
}
