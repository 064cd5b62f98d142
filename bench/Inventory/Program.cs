using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Dapper;
using Jobs;
using Jobs.Engine;
using Jobs.Engine.Client;
using Jobs.Engine.States;
using Jobs.Inventory;
using Jobs.Inventory.Bench;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

// Inventory reconciliation at scale, through the real path: a worker host with the business jobs,
// a job enqueued through IJobClient, the handler reading a snapshot file.
//   seed        N SKUs of stock and a snapshot file (untimed)
//   reconcile   one inventory.reconcile job: from enqueue until the job shows succeeded, with the
//               handler's own phases as it recorded them on the run: load (read, parse, COPY),
//               validate (duplicate SKUs, ANALYZE), compare, apply (compare-and-set, discrepancies, audit)
//   again       the same snapshot again: a no-op
// Prints a table, then one JSON line.
var skus = args.Length == 2 && args[0] == "--skus" ? int.Parse(args[1], CultureInfo.InvariantCulture)
    : args.Length == 0 ? 1_000_000 : throw new ArgumentException("Usage: Jobs.Inventory.Bench [--skus N]");
var connectionString = Environment.GetEnvironmentVariable("ConnectionStrings__Jobs")
    ?? throw new InvalidOperationException("Set ConnectionStrings__Jobs.");
const string EngineSchema = "inventory_bench";
const string AppSchema = "inventory_bench_app";
var directory = Directory.CreateTempSubdirectory("inventory-bench-").FullName;

await using var admin = NpgsqlDataSource.Create(connectionString);
await DropAsync();
try
{
    using var host = Build();
    await host.StartAsync();
    var world = new BenchWorld(admin, AppSchema, skus);
    var seeding = Stopwatch.StartNew();
    Directory.CreateDirectory(Path.Combine(directory, BenchWorld.Warehouse));
    await world.SeedStockAsync();
    await world.WriteSnapshotAsync(Path.Combine(directory, BenchWorld.Warehouse, "count-1.csv"));
    Console.Error.WriteLine($"seeded {skus:N0} SKUs and the snapshot in {seeding.Elapsed.TotalSeconds:0.0} s");

    var client = host.Services.GetRequiredService<IJobClient>();
    var reconcile = await RunAsync(client);
    var again = await RunAsync(client);

    await using var connection = await admin.OpenConnectionAsync();
    var run = await connection.QuerySingleAsync<(int SkusCounted, int Discrepancies, int Applied, int PendingReview, int Stale, string PhaseMs)>(
        $"select skus_counted, discrepancies, applied, pending_review, stale, phase_ms::text from {AppSchema}.inventory_run");
    var phases = JsonSerializer.Deserialize<Dictionary<string, long>>(run.PhaseMs)!;
    var other = reconcile.TotalMilliseconds - phases.Values.Sum();
    await host.StopAsync();

    Console.WriteLine();
    Console.WriteLine($"inventory.reconcile benchmark  skus={skus:N0}  ({Environment.ProcessorCount} cores)");
    Console.WriteLine($"  counted {run.SkusCounted:N0} lines; {run.Discrepancies:N0} differ: {run.Applied:N0} applied, {run.PendingReview:N0} to review, {run.Stale:N0} stale");
    foreach (var phase in new[] { "load", "validate", "compare", "apply" })
    {
        Console.WriteLine($"  {phase,-10} {phases[phase] / 1000.0,8:0.00} s");
    }
    Console.WriteLine($"  {"other",-10} {other / 1000.0,8:0.00} s   (job pickup, opening the snapshot, commit, completion)");
    Console.WriteLine($"  {"total",-10} {reconcile.TotalSeconds,8:0.00} s   enqueue to succeeded");
    Console.WriteLine($"  {"again",-10} {again.TotalSeconds,8:0.00} s   same snapshot again: no-op");
    Console.WriteLine(JsonSerializer.Serialize(new
    {
        skus,
        discrepancies = run.Discrepancies,
        applied = run.Applied,
        total_s = Math.Round(reconcile.TotalSeconds, 2),
        phases_s = phases.ToDictionary(p => p.Key, p => Math.Round(p.Value / 1000.0, 2)),
        again_s = Math.Round(again.TotalSeconds, 3),
    }));
}
finally
{
    await DropAsync();
    Directory.Delete(directory, recursive: true);
}

async Task<TimeSpan> RunAsync(IJobClient client)
{
    var started = Stopwatch.GetTimestamp();
    var job = await client.EnqueueAsync(new ReconcileInventoryArgs(BenchWorld.Warehouse, "count-1"));
    while (true)
    {
        var info = (await client.GetAsync(job.Id))!;
        if (info.State == JobState.Succeeded)
        {
            return Stopwatch.GetElapsedTime(started);
        }
        if (info.State is JobState.Dead or JobState.Retrying)
        {
            throw new InvalidOperationException($"The reconciliation failed: {info.Errors[^1].Error}");
        }
        await Task.Delay(10);
    }
}

async Task DropAsync()
{
    await using var connection = await admin.OpenConnectionAsync();
    await connection.ExecuteAsync($"drop schema if exists {EngineSchema} cascade; drop schema if exists {AppSchema} cascade;");
}

IHost Build()
{
    var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
    builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["ConnectionStrings:Jobs"] = connectionString,
        ["Jobs:Schema"] = EngineSchema,
        ["App:Schema"] = AppSchema,
        ["App:Inventory:SnapshotDirectory"] = directory,
        // The worker needs a key for webhook secrets; this run has none to protect.
        ["App:Webhooks:SecretKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
        ["Jobs:Server:Queues:default"] = "2",
    });
    builder.Logging.ClearProviders().AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
    builder.Services.AddJobsServer().AddBusinessJobs();
    return builder.Build();
}
