using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Dapper;
using Jobs.Engine;
using Jobs.Engine.Client;
using Jobs.Engine.Monitoring;
using Jobs.Failover.Bench;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

// Failover to a promoted streaming replica (issue 14, item 2), run by scripts/bench-failover.sh, which
// starts the primary and its replica. One producer enqueues continuously, one job server drains, and a
// monitor reads as the dashboard does, all through one multi-host connection string
// (Host=primary,replica;Target Session Attributes=primary). Mid-run the primary is stopped in immediate
// mode (a crash) and the replica promoted. Printed: seconds until enqueues, the dashboard's reads and
// job starts work again; jobs acknowledged to the producer that the new primary lacks (lost), that never
// finished, and that ran more than once.
var o = FailoverOptions.Parse(args);
var root = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../.."));
var connectionString = $"Host=127.0.0.1:{o.PrimaryPort},127.0.0.1:{o.ReplicaPort};Username=postgres;Database={o.Database};" +
    $"Target Session Attributes=primary;Host Recheck Seconds={o.HostRecheck};Timeout=2;Command Timeout=10";

var counts = new RunCounts();
using var server = Build(connectionString, server: true, counts);
using var producer = Build(connectionString, server: false, counts);
await producer.StartAsync(); // migrates
await server.StartAsync();
var client = producer.Services.GetRequiredService<IJobClient>();
var monitor = producer.Services.GetRequiredService<JobsMonitor>();

var acked = new List<(int Seq, long Id, long At)>();
var refused = 0;
long crashAt = 0, promotedAt = 0;
var readsAt = new System.Collections.Concurrent.ConcurrentQueue<long>();
var start = Environment.TickCount64;
var stopReads = new CancellationTokenSource();
var reads = Task.Run(async () =>
{
    while (!stopReads.IsCancellationRequested)
    {
        try
        {
            await monitor.CountByStateAsync(stopReads.Token);
            readsAt.Enqueue(Environment.TickCount64);
        }
        catch (Exception) when (!stopReads.IsCancellationRequested)
        {
            // The outage: counted as a gap between successful reads.
        }
        catch (Exception)
        {
            break;
        }
        try
        {
            await Task.Delay(100, stopReads.Token);
        }
        catch (OperationCanceledException)
        {
        }
    }
});

var crash = Task.Run(async () =>
{
    await Task.Delay(TimeSpan.FromSeconds(o.Before));
    Volatile.Write(ref crashAt, Environment.TickCount64);
    await Script("pg.sh", "stop", o.PrimaryDir, "immediate");
    await Script("pg.sh", "promote", o.ReplicaDir);
    Volatile.Write(ref promotedAt, Environment.TickCount64);
});

var gap = TimeSpan.FromSeconds(1.0 / o.Rate);
var seq = 0;
while (Volatile.Read(ref crashAt) == 0 || Environment.TickCount64 - Volatile.Read(ref crashAt) < o.After * 1000)
{
    var next = Stopwatch.GetTimestamp() + (long)(gap.TotalSeconds * Stopwatch.Frequency);
    seq++;
    try
    {
        var job = await client.EnqueueAsync(new FailoverJob(seq));
        acked.Add((seq, job.Id, Environment.TickCount64));
    }
    catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
    {
        // Not acknowledged: the producer would retry it (with an idempotency key, to be safe).
        refused++;
    }
    var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), next);
    if (wait > TimeSpan.Zero)
    {
        await Task.Delay(wait);
    }
}
await crash;

// Every acknowledged job should finish on the new primary.
var replicaOnly = $"Host=127.0.0.1;Port={o.ReplicaPort};Username=postgres;Database={o.Database}";
await using var admin = NpgsqlDataSource.Create(replicaOnly);
var ids = acked.Select(a => a.Id).ToArray();
var deadline = Environment.TickCount64 + o.Settle * 1000;
List<(long Id, string State, int Attempt)> rows;
while (true)
{
    await using var connection = await admin.OpenConnectionAsync();
    rows = (await connection.QueryAsync<(long Id, string State, int Attempt)>(
        "select id, state::text, attempt from jobs.job where id = any(@ids)", new { ids })).ToList();
    if (rows.All(r => r.State == "succeeded") || Environment.TickCount64 > deadline)
    {
        break;
    }
    await Task.Delay(200);
}
stopReads.Cancel();
await reads;
await server.StopAsync(TimeSpan.FromSeconds(10));
await producer.StopAsync(TimeSpan.FromSeconds(10));

var crashed = crashAt;
// Unavailability: the longest pause between two successes (enqueues acknowledged, monitor reads, job
// starts) from a second before the crash on; normal spacing is 1/rate, 0.1 s and ~1/rate.
double LongestGap(IEnumerable<long> at)
{
    var sorted = at.Where(t => t >= crashed - 1000).Order().ToArray();
    return sorted.Length < 2 ? double.NaN : sorted.Zip(sorted.Skip(1), (a, b) => (b - a) / 1000.0).Max();
}
double Seconds(long at) => at == 0 ? double.NaN : (at - crashed) / 1000.0;
var present = rows.Select(r => r.Id).ToHashSet();
var result = new
{
    mode = o.Label,
    host_recheck_s = o.HostRecheck,
    acknowledged = acked.Count,
    refused,
    promote_s = Seconds(promotedAt),
    enqueue_unavailable_s = LongestGap(acked.Select(a => a.At)),
    reads_unavailable_s = LongestGap(readsAt),
    starts_unavailable_s = LongestGap(counts.FirstStart.Values),
    jobs_lost = ids.Count(id => !present.Contains(id)),
    jobs_unfinished = rows.Count(r => r.State != "succeeded"),
    unfinished_states = string.Join(",", rows.Where(r => r.State != "succeeded").GroupBy(r => r.State).Select(g => $"{g.Key}:{g.Count()}")),
    jobs_ran_twice = counts.Runs.Count(r => r.Value > 1),
    jobs_rescued = rows.Count(r => r.Attempt > 1),
};
Console.WriteLine();
Console.WriteLine($"failover ({o.Label}, Host Recheck Seconds={o.HostRecheck}): primary stopped (immediate) after {o.Before} s, replica promoted; producing at {o.Rate}/s for {o.After} s more");
Console.WriteLine($"  promotion done after        {result.promote_s,6:0.00} s");
Console.WriteLine($"  enqueues stopped for        {result.enqueue_unavailable_s,6:0.00} s   ({result.refused} refused meanwhile, {result.acknowledged} acknowledged in all)");
Console.WriteLine($"  dashboard reads stopped for {result.reads_unavailable_s,6:0.00} s");
Console.WriteLine($"  job starts stopped for      {result.starts_unavailable_s,6:0.00} s");
Console.WriteLine($"  acknowledged jobs lost      {result.jobs_lost,6}");
Console.WriteLine($"  acknowledged, not finished  {result.jobs_unfinished,6}   {result.unfinished_states}");
Console.WriteLine($"  jobs run more than once     {result.jobs_ran_twice,6}   (attempt > 1 on the new primary: {result.jobs_rescued})");
Console.WriteLine(JsonSerializer.Serialize(result));
return 0;

async Task Script(string script, params string[] arguments)
{
    using var process = Process.Start(new ProcessStartInfo(Path.Combine(root, "scripts", script), arguments))!;
    await process.WaitForExitAsync();
    if (process.ExitCode != 0)
    {
        throw new InvalidOperationException($"scripts/{script} {string.Join(' ', arguments)} failed with {process.ExitCode}");
    }
}

static IHost Build(string connectionString, bool server, RunCounts counts)
{
    var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
    builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["ConnectionStrings:Jobs"] = connectionString,
        ["Jobs:Server:Queues:default"] = "10",
        ["Jobs:Server:PollInterval"] = "00:00:00.500",
    });
    builder.Configuration.AddEnvironmentVariables();
    builder.Logging.ClearProviders().AddSimpleConsole().SetMinimumLevel(LogLevel.Error);
    builder.Services.AddSingleton(counts);
    if (server)
    {
        builder.Services.AddJobsServer().AddHandler<FailoverHandler, FailoverJob>();
    }
    else
    {
        builder.Services.AddJobsEngine();
    }
    return builder.Build();
}

internal sealed record FailoverOptions(string PrimaryDir, string ReplicaDir, int PrimaryPort, int ReplicaPort, string Database,
    int Before, int After, int Settle, int Rate, int HostRecheck, string Label)
{
    public static FailoverOptions Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            values[args[i].TrimStart('-')] = args[i + 1];
        }
        string Get(string key, string? fallback = null) =>
            values.TryGetValue(key, out var v) ? v : fallback ?? throw new ArgumentException($"--{key} is required (scripts/bench-failover.sh passes it)");
        int Int(string key, int fallback) => int.Parse(Get(key, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
        return new FailoverOptions(Get("primary-dir"), Get("replica-dir"), Int("primary-port", 0), Int("replica-port", 0), Get("db", "jobs_failover"),
            Int("before", 5), Int("after", 10), Int("settle", 60), Int("rate", 200), Int("host-recheck", 1), Get("label", "async"));
    }
}
