using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Dapper;
using Hangfire;
using Hangfire.States;
using Jobs.Engine;
using Jobs.Hangfire;
using Jobs.HangfireBench;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

// Hangfire's client and jobs on the engine, measured as ../shared/bench/peers/hangfire measures
// Hangfire.PostgreSql (same job, same counts, same clocks):
//   enqueue single   2,000 BackgroundJobClient.Enqueue calls, one at a time
//   enqueue parallel N BackgroundJobClient.Create(job, EnqueuedState) calls from C threads of their own
//   drain            N Hangfire jobs seeded (untimed), ANALYZE, CHECKPOINT; an engine server with C
//                    workers and AddHangfireJobs starts; from the first handler start until the
//                    database shows every job succeeded
//   latency          an idle server; 200 jobs enqueued one at a time, 20 ms apart; from just before
//                    the Enqueue call to the method's start
// Prints a table, then one JSON line.
var jobs = Arg("--jobs", 20_000);
var concurrency = Arg("--concurrency", 10);
var connectionString = Environment.GetEnvironmentVariable("ConnectionStrings__Jobs")
    ?? throw new InvalidOperationException("Set ConnectionStrings__Jobs to an empty database.");
const string Schema = "jobs";
await using var admin = NpgsqlDataSource.Create(connectionString);
var storage = GlobalConfiguration.Configuration.UseJobsStorage(connectionString, new JobsStorageOptions { Schema = Schema }).Entry;
var client = new BackgroundJobClient(storage);

var single = await EnqueueSingleAsync(2_000);
var parallel = await EnqueueParallelAsync(jobs, concurrency);
var drain = await DrainAsync(jobs, concurrency);
var latency = await LatencyAsync(200, TimeSpan.FromMilliseconds(20), concurrency);

Console.WriteLine();
Console.WriteLine($"Hangfire on the engine (UseJobsStorage, AddHangfireJobs)  jobs={jobs} concurrency={concurrency}");
Console.WriteLine($"  enqueue single    {single,10:N0} jobs/s   (BackgroundJobClient.Enqueue, one call at a time)");
Console.WriteLine($"  enqueue parallel  {parallel,10:N0} jobs/s   (BackgroundJobClient.Create from {concurrency} threads)");
Console.WriteLine($"  drain             {drain,10:N0} jobs/s   (Hangfire method-call jobs, engine server, {concurrency} workers)");
Console.WriteLine($"  pickup latency    p50 {latency.P50:0.00} ms   p95 {latency.P95:0.00} ms   p99 {latency.P99:0.00} ms");
Console.WriteLine(JsonSerializer.Serialize(new
{
    peer = "jobs-hangfire",
    enqueue_bulk_per_s = Math.Round(parallel, 1),
    enqueue_single_per_s = Math.Round(single, 1),
    drain_per_s = Math.Round(drain, 1),
    latency_ms = new { p50 = Math.Round(latency.P50, 2), p95 = Math.Round(latency.P95, 2), p99 = Math.Round(latency.P99, 2) },
}));
return;

int Arg(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}

async Task ResetAsync()
{
    await using var connection = await admin.OpenConnectionAsync();
    await connection.ExecuteAsync($"truncate {Schema}.job; delete from {Schema}.server; checkpoint;");
}

async Task VerifyAsync(int expected)
{
    await using var connection = await admin.OpenConnectionAsync();
    var count = await connection.ExecuteScalarAsync<long>($"select count(*) from {Schema}.job where state = 'available'");
    if (count != expected)
    {
        throw new InvalidOperationException($"expected {expected} available jobs, found {count}");
    }
}

async Task<double> EnqueueSingleAsync(int count)
{
    await ResetAsync();
    var started = Stopwatch.GetTimestamp();
    for (var i = 0; i < count; i++)
    {
        client.Enqueue(() => NoopJob.Run(i));
    }
    var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
    await VerifyAsync(count);
    return count / seconds;
}

async Task<double> EnqueueParallelAsync(int count, int threads)
{
    await ResetAsync();
    var seconds = CreateParallel(count, threads);
    await VerifyAsync(count);
    return count / seconds;
}

// As the peer does: C threads of their own (not pool threads, which a pool grows slowly while they
// block on the database), each creating the job from its method and argument.
double CreateParallel(int count, int threads)
{
    var run = typeof(NoopJob).GetMethod(nameof(NoopJob.Run))!;
    var next = -1;
    var errors = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
    var workers = Enumerable.Range(0, threads).Select(_ => new Thread(() =>
    {
        try
        {
            for (var i = Interlocked.Increment(ref next); i < count; i = Interlocked.Increment(ref next))
            {
                client.Create(new global::Hangfire.Common.Job(typeof(NoopJob), run, i), new EnqueuedState());
            }
        }
        catch (Exception e)
        {
            errors.Enqueue(e);
        }
    })).ToList();
    var started = Stopwatch.GetTimestamp();
    workers.ForEach(t => t.Start());
    workers.ForEach(t => t.Join());
    var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
    return errors.IsEmpty ? seconds : throw new AggregateException(errors);
}

async Task<double> DrainAsync(int count, int workers)
{
    await ResetAsync();
    CreateParallel(count, workers);
    await using (var connection = await admin.OpenConnectionAsync())
    {
        await connection.ExecuteAsync($"analyze {Schema}.job; checkpoint;");
    }
    NoopJob.Reset(count);
    await using var monitor = await admin.OpenConnectionAsync();
    using var host = Server(workers);
    await host.StartAsync();
    while (NoopJob.Handled < count)
    {
        await Task.Delay(5);
    }
    while (await monitor.ExecuteScalarAsync<long>($"select count(*) from {Schema}.job where state <> 'succeeded'") > 0)
    {
        await Task.Delay(5);
    }
    var seconds = Stopwatch.GetElapsedTime(NoopJob.FirstStart, Stopwatch.GetTimestamp()).TotalSeconds;
    await host.StopAsync();
    return count / seconds;
}

async Task<(double P50, double P95, double P99)> LatencyAsync(int count, TimeSpan gap, int workers)
{
    await ResetAsync();
    NoopJob.Reset(count);
    using var host = Server(workers);
    await host.StartAsync();
    await Task.Delay(2000);
    var sent = new long[count];
    var origin = Stopwatch.GetTimestamp();
    for (var i = 0; i < count; i++)
    {
        var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), origin + (long)(i * gap.TotalSeconds * Stopwatch.Frequency));
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait);
        }
        sent[i] = Stopwatch.GetTimestamp();
        var n = i;
        client.Enqueue(() => NoopJob.Run(n));
    }
    var deadline = Stopwatch.GetTimestamp() + 60 * Stopwatch.Frequency;
    while (NoopJob.Handled < count && Stopwatch.GetTimestamp() < deadline)
    {
        await Task.Delay(5);
    }
    await host.StopAsync();
    var latencies = Enumerable.Range(0, count).Select(i => Stopwatch.GetElapsedTime(sent[i], NoopJob.StartedAt[i]).TotalMilliseconds).Order().ToArray();
    return (Percentile(latencies, 50), Percentile(latencies, 95), Percentile(latencies, 99));
}

static double Percentile(double[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];

IHost Server(int workers)
{
    var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
    builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["ConnectionStrings:Jobs"] = connectionString,
        ["Jobs:Schema"] = Schema,
        ["Jobs:Server:Queues:default"] = workers.ToString(CultureInfo.InvariantCulture),
    });
    builder.Logging.ClearProviders().AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
    builder.Services.AddJobsServer().AddHangfireJobs();
    return builder.Build();
}
