using System.Text.Json;
using Jobs.Bench;
using Npgsql;

// The engine's benchmark, measured the way ../shared/bench measures graphile-worker and pg-boss:
//   drain          N no-op jobs seeded (untimed), ANALYZE, CHECKPOINT; a server with C workers starts;
//                  timed from the first handler start until the database shows every job succeeded
//                  (jobs are kept as history, not deleted)
//   enqueue bulk   N jobs in one EnqueueManyAsync call
//   enqueue single 2,000 jobs, one EnqueueAsync call at a time
//   latency        an idle server; 200 jobs enqueued one at a time, 20 ms apart; from just before
//                  the enqueue call to the handler's start
//   --history N    N succeeded jobs kept under every phase (see History.cs), then pickup latency of
//                  1,000 jobs while the pruner deletes them all
//   cost per job   WAL bytes and records, commits and (with pg_stat_statements) statements per job of
//                  drain and enqueue, each phase from its start until its hosts are disposed
// Prints a table, then one JSON line (the contract of ../shared/bench/compare.sh).
var options = BenchOptions.Parse(args);
var connectionString = Environment.GetEnvironmentVariable("ConnectionStrings__Jobs")
    ?? throw new InvalidOperationException("Set ConnectionStrings__Jobs to an empty database.");

await using var admin = NpgsqlDataSource.Create(connectionString);
const string Schema = "jobs";

// BENCH_ONLY=drain|bulk|single|latency runs one measurement (for profiling); the others print 0.
var only = Environment.GetEnvironmentVariable("BENCH_ONLY");
bool Run(string name) => only is null or "" || only == name;
var costs = new Costs(admin);
if (options.History > 0)
{
    await Measure.PrepareSchemaAsync(connectionString, Schema);
    await History.SeedAsync(admin, Schema, options.History);
}
var drain = Run("drain") ? await Measure.DrainAsync(admin, connectionString, Schema, options.Jobs, options.Concurrency, costs) : 0;
var bulk = Run("bulk") ? await Measure.BulkEnqueueAsync(admin, connectionString, Schema, options.Jobs, costs) : 0;
var single = Run("single") ? await Measure.SingleEnqueueAsync(admin, connectionString, Schema, 2_000, costs) : 0;
var latency = Run("latency")
    ? await Measure.LatencyAsync(admin, connectionString, Schema, 200, TimeSpan.FromMilliseconds(20), options.Concurrency)
    : (0, 0, 0);
// With history: pickup latency while the pruner deletes all of it (retention one day, batches of 10,000).
(double P50, double P95, double P99)? pruning = null;
long pruned = 0;
if (options.History > 0 && Run("pruning"))
{
    var before = await History.RemainingAsync(admin, Schema);
    pruning = await Measure.LatencyAsync(admin, connectionString, Schema, 1_000, TimeSpan.FromMilliseconds(20), options.Concurrency, History.Prune);
    pruned = before - await History.RemainingAsync(admin, Schema);
}

Console.WriteLine();
Console.WriteLine($"jobs.engine benchmark  jobs={options.Jobs} concurrency={options.Concurrency} history={options.History}");
Console.WriteLine($"  drain            {drain,12:N0} jobs/s   (history kept)");
Console.WriteLine($"  enqueue bulk     {bulk,12:N0} jobs/s");
Console.WriteLine($"  enqueue single   {single,12:N0} jobs/s   (one call at a time)");
Console.WriteLine($"  pickup latency   p50 {latency.P50:0.00} ms   p95 {latency.P95:0.00} ms   p99 {latency.P99:0.00} ms");
if (pruning is { } p)
{
    Console.WriteLine($"  while pruning    p50 {p.P50:0.00} ms   p95 {p.P95:0.00} ms   p99 {p.P99:0.00} ms   ({pruned:N0} history jobs pruned in the 20 s measured)");
}
costs.Print(Console.Out);
Console.WriteLine(JsonSerializer.Serialize(new
{
    enqueue_bulk_per_s = Math.Round(bulk, 1),
    enqueue_single_per_s = Math.Round(single, 1),
    drain_per_s = Math.Round(drain, 1),
    latency_ms = new { p50 = Math.Round(latency.P50, 2), p95 = Math.Round(latency.P95, 2), p99 = Math.Round(latency.P99, 2) },
}));
