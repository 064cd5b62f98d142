using System.Globalization;
using System.Text;
using Dapper;
using Npgsql;

namespace Jobs.Inventory.Bench;

/// <summary>
/// The benchmark's warehouse: N SKUs of stock and a count snapshot with a realistic share of
/// differences. Quantities are a function of the SKU number, so the snapshot is written without
/// reading the stock back.
/// </summary>
internal sealed class BenchWorld(NpgsqlDataSource admin, string appSchema, int skus)
{
    public const string Warehouse = "BENCH";

    // Out of every 1,000 SKUs: 30 counted 1-2 units off (within tolerance), 10 counted at half
    // (over tolerance: review), 5 moved since the count (a sale after it; stale), 2 not counted
    // (a partial count leaves them). Plus one SKU per 1,000 the stock of record does not know.
    // A moved SKU was sold once after its count: its stock of record is one less, changed now.
    public static (int Small, int Large, int Moved, int Missing) PerThousand => (30, 10, 5, 2);

    private static int Quantity(long i) => (int)(20 + i * 7919 % 481);

    private static int Bucket(long i) => (int)(i * 2_654_435_761L % 1000);

    public async Task SeedStockAsync()
    {
        await using var connection = await admin.OpenConnectionAsync();
        var (_, _, moved, _) = PerThousand;
        await connection.ExecuteAsync($"""
            insert into {appSchema}.warehouse (code, name, snapshot_source) values ('{Warehouse}', 'Benchmark', 'file');
            insert into {appSchema}.stock (warehouse, sku, quantity, updated_at)
            select '{Warehouse}', 'SKU-' || lpad(i::text, 7, '0'), 20 + i * 7919 % 481 - m::int, case when m then now() else now() - interval '1 day' end
              from generate_series(0::bigint, {skus - 1}) i
             cross join lateral (select i * 2654435761 % 1000 >= 1000 - {moved} as m) moved;
            analyze {appSchema}.stock;
            checkpoint;
            """, commandTimeout: 0);
    }

    /// <summary>Writes the snapshot: SKUs counted in order over eight hours ending an hour ago, a thousand per timestamp.</summary>
    public async Task WriteSnapshotAsync(string path)
    {
        var (small, large, moved, missing) = PerThousand;
        var start = DateTimeOffset.UtcNow.AddHours(-9);
        await using var file = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
        await file.WriteAsync("sku,quantity,counted_at\n");
        for (long i = 0; i < skus; i++)
        {
            var bucket = Bucket(i);
            if (bucket >= 1000 - moved - missing && bucket < 1000 - moved)
            {
                continue;
            }
            var quantity = Quantity(i);
            quantity = bucket < small ? quantity + (bucket % 2 == 0 ? 1 : -2)
                : bucket < small + large ? quantity / 2
                : quantity;
            var countedAt = start.AddSeconds(i / 1000 * 28_800.0 / Math.Max(1, skus / 1000));
            await file.WriteAsync(string.Create(CultureInfo.InvariantCulture, $"SKU-{i:D7},{quantity},{countedAt:yyyy-MM-dd'T'HH:mm:ss'Z'}\n"));
            if (i % 1000 == 999)
            {
                await file.WriteAsync(string.Create(CultureInfo.InvariantCulture, $"NEW-{i / 1000:D7},5,{countedAt:yyyy-MM-dd'T'HH:mm:ss'Z'}\n"));
            }
        }
    }
}
