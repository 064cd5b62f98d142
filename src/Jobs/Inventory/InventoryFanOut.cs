using Dapper;
using Jobs.Engine.Client;
using Jobs.Storage;

namespace Jobs.Inventory;

/// <summary>
/// Turns one reconciliation of every warehouse (warehouse <c>*</c>, as the hourly schedule
/// enqueues it) into one job per warehouse, each partitioned by its warehouse code.
/// </summary>
internal sealed class InventoryFanOut(AppDatabase database, InventorySql sql, IJobClient jobs)
{
    /// <summary>The warehouse code that means every warehouse.</summary>
    public const string AllWarehouses = "*";

    /// <summary>Enqueues a reconciliation per warehouse; keyed by the fan-out job, so a retry enqueues none twice.</summary>
    public async Task<int> EnqueueAsync(ReconcileInventoryArgs args, long jobId, CancellationToken cancellationToken)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        var codes = (await connection.QueryAsync<string>(new CommandDefinition(sql.ListWarehouses, cancellationToken: cancellationToken))).ToList();
        if (codes.Count == 0)
        {
            return 0;
        }
        await jobs.EnqueueManyAsync(codes.Select(code => JobRequest.Create(args with { Warehouse = code }, new EnqueueOptions
        {
            PartitionKey = code,
            IdempotencyKey = $"inventory.reconcile:{jobId}:{code}",
        })).ToList(), cancellationToken);
        return codes.Count;
    }
}
