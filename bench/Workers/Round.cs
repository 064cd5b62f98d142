using System.Diagnostics;
using System.Globalization;
using Dapper;
using Jobs.Engine;
using Jobs.Engine.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Jobs.Workers.Bench;

internal sealed record RoundResult(
    int Processes, double DrainPerSecond, double LimitedPerSecond, int MaxRunning, int MaxPerPartition, int RanTwice, int NeverRan,
    IReadOnlyList<int> JobsPerProcess);

/// <summary>One process count: a fresh schema, the drain, the limited jobs, then the processes' records checked.</summary>
internal static class Round
{
    private const string Schema = "jobs_workers";
    private const string Queue = "default";

    public static async Task<RoundResult> RunAsync(string connectionString, WorkersOptions options, int processes)
    {
        await using var admin = NpgsqlDataSource.Create(connectionString);
        await using (var connection = await admin.OpenConnectionAsync())
        {
            await connection.ExecuteAsync($"drop schema if exists {Schema} cascade");
        }
        using var client = BuildClient(connectionString);
        await client.StartAsync(); // migrates the fresh schema
        var jobs = client.Services.GetRequiredService<IJobClient>();

        // Seeded into a paused queue, so every process is up before the first claim.
        await jobs.PauseQueueAsync(Queue);
        for (var i = 0; i < options.Jobs; i += 1000)
        {
            await jobs.EnqueueManyAsync(Enumerable.Range(i, Math.Min(1000, options.Jobs - i)).Select(n => JobRequest.Create(new DrainJob(n))).ToList());
        }
        await using (var connection = await admin.OpenConnectionAsync())
        {
            await connection.ExecuteAsync($"analyze {Schema}.job");
            await connection.ExecuteAsync("checkpoint", commandType: System.Data.CommandType.Text);
        }

        var directory = Directory.CreateTempSubdirectory("jobs-workers-bench-");
        var children = Enumerable.Range(0, processes).Select(p => StartChild(connectionString, options, Path.Combine(directory.FullName, $"{p}.csv"))).ToList();
        try
        {
            await WaitAsync(admin, $"select count(*) = {processes} from {Schema}.server", "every worker process to register");
            var drainSeconds = await RunPausedAsync(jobs, admin, "bench.drain");

            await jobs.PauseQueueAsync(Queue);
            for (var i = 0; i < options.Limited; i += 1000)
            {
                await jobs.EnqueueManyAsync(Enumerable.Range(i, Math.Min(1000, options.Limited - i)).Select(n => JobRequest.Create(
                    new LimitedJob(n, options.LimitedMs),
                    new EnqueueOptions { PartitionKey = "p" + (n % options.Partitions).ToString(CultureInfo.InvariantCulture) })).ToList());
            }
            var limitedSeconds = await RunPausedAsync(jobs, admin, "bench.limited");

            foreach (var child in children)
            {
                await child.StandardInput.WriteLineAsync("stop");
                child.StandardInput.Close();
            }
            foreach (var child in children)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
                await child.WaitForExitAsync(timeout.Token);
                if (child.ExitCode != 0)
                {
                    throw new InvalidOperationException($"a worker process exited with {child.ExitCode}");
                }
            }

            var drained = new int[options.Jobs];
            var limitedRuns = new int[options.Limited];
            var runs = new List<RunLog.Run>();
            var perProcess = new List<int>();
            foreach (var file in Enumerable.Range(0, processes).Select(p => Path.Combine(directory.FullName, $"{p}.csv")))
            {
                var count = 0;
                foreach (var line in await File.ReadAllLinesAsync(file))
                {
                    var f = line.Split(',');
                    var i = int.Parse(f[1], CultureInfo.InvariantCulture);
                    if (f[0] == "d")
                    {
                        drained[i]++;
                    }
                    else
                    {
                        limitedRuns[i]++;
                        runs.Add(new RunLog.Run(i, f[2], long.Parse(f[3], CultureInfo.InvariantCulture), long.Parse(f[4], CultureInfo.InvariantCulture)));
                    }
                    count++;
                }
                perProcess.Add(count);
            }
            await using var check = await admin.OpenConnectionAsync();
            var notOnce = await check.ExecuteScalarAsync<long>($"select count(*) from {Schema}.job where state <> 'succeeded' or attempt <> 1");
            return new RoundResult(
                processes,
                options.Jobs / drainSeconds,
                options.Limited / limitedSeconds,
                Overlap.Max(runs),
                runs.GroupBy(r => r.Partition).Select(Overlap.Max).DefaultIfEmpty(0).Max(),
                drained.Count(n => n > 1) + limitedRuns.Count(n => n > 1) + (int)notOnce,
                drained.Count(n => n == 0) + limitedRuns.Count(n => n == 0),
                perProcess);
        }
        finally
        {
            foreach (var child in children)
            {
                if (!child.HasExited)
                {
                    child.Kill();
                }
                child.Dispose();
            }
            directory.Delete(recursive: true);
        }
    }

    /// <summary>Resumes the queue and waits until every job of <paramref name="kind"/> succeeded; returns the seconds it took.</summary>
    private static async Task<double> RunPausedAsync(IJobClient jobs, NpgsqlDataSource admin, string kind)
    {
        var started = Stopwatch.GetTimestamp();
        await jobs.ResumeQueueAsync(Queue);
        await WaitAsync(admin, $"select not exists (select from {Schema}.job where kind = '{kind}' and state <> 'succeeded')", $"every {kind} job to succeed");
        return Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    private static async Task WaitAsync(NpgsqlDataSource admin, string sql, string what)
    {
        await using var connection = await admin.OpenConnectionAsync();
        var deadline = Stopwatch.GetTimestamp() + 600 * Stopwatch.Frequency;
        while (!await connection.ExecuteScalarAsync<bool>(sql))
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new TimeoutException($"gave up waiting for {what}");
            }
            await Task.Delay(10);
        }
    }

    private static Process StartChild(string connectionString, WorkersOptions options, string records)
    {
        var start = new ProcessStartInfo("dotnet",
        [
            typeof(Round).Assembly.Location, "--child", records, options.Concurrency.ToString(CultureInfo.InvariantCulture),
            options.GlobalLimit.ToString(CultureInfo.InvariantCulture), options.PartitionLimit.ToString(CultureInfo.InvariantCulture),
        ])
        {
            RedirectStandardInput = true,
        };
        start.Environment["ConnectionStrings__Jobs"] = connectionString;
        start.Environment["Jobs__Schema"] = Schema;
        return Process.Start(start)!;
    }

    private static IHost BuildClient(string connectionString)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Jobs"] = connectionString,
            ["Jobs:Schema"] = Schema,
        });
        builder.Logging.ClearProviders().AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddJobsEngine();
        return builder.Build();
    }
}
