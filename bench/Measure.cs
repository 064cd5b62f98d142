using System.Diagnostics;
using Dapper;
using Jobs.Engine;
using Jobs.Engine.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Jobs.Bench;

internal static class Measure
{
    public static async Task<double> DrainAsync(NpgsqlDataSource admin, string connectionString, string schema, int jobs, int concurrency, Costs costs)
    {
        var probe = new BenchProbe();
        using (var seeder = Build(connectionString, schema, concurrency, server: false, probe))
        {
            await seeder.StartAsync();
            await ResetAsync(admin, schema);
            var client = seeder.Services.GetRequiredService<IJobClient>();
            for (var i = 0; i < jobs; i += 1000)
            {
                await client.EnqueueManyAsync(Requests(i, Math.Min(1000, jobs - i)));
            }
            await seeder.StopAsync();
        }
        await using (var connection = await admin.OpenConnectionAsync())
        {
            await connection.ExecuteAsync($"analyze {schema}.job");
            await connection.ExecuteAsync("checkpoint", commandType: System.Data.CommandType.Text);
        }

        await costs.StartAsync();
        await using var monitor = await admin.OpenConnectionAsync();
        var host = Build(connectionString, schema, concurrency, server: true, probe);
        await host.StartAsync();
        while (probe.Handled < jobs)
        {
            await Task.Delay(5);
        }
        while (await monitor.ExecuteScalarAsync<long>($"select count(*) from {schema}.job where id > @floor and state <> 'succeeded'", new { floor = History.Floor }) > 0)
        {
            await Task.Delay(5);
        }
        var done = Stopwatch.GetTimestamp();
        var seconds = Stopwatch.GetElapsedTime(probe.FirstStart, done).TotalSeconds;
        await host.StopAsync();
        host.Dispose();
        await costs.StopAsync("drain", jobs);
        return jobs / seconds;
    }

    /// <summary>Creates or migrates the schema, as any host of the engine does at start.</summary>
    public static async Task PrepareSchemaAsync(string connectionString, string schema)
    {
        using var host = Build(connectionString, schema, 1, server: false, new BenchProbe());
        await host.StartAsync();
        await host.StopAsync();
    }

    public static Task<double> BulkEnqueueAsync(NpgsqlDataSource admin, string connectionString, string schema, int jobs, Costs costs)
    {
        var requests = Requests(0, jobs);
        return EnqueueRateAsync(admin, connectionString, schema, jobs, costs, "enqueue bulk", client => client.EnqueueManyAsync(requests));
    }

    public static Task<double> SingleEnqueueAsync(NpgsqlDataSource admin, string connectionString, string schema, int jobs, Costs costs) =>
        EnqueueRateAsync(admin, connectionString, schema, jobs, costs, "enqueue single", async client =>
        {
            for (var i = 0; i < jobs; i++)
            {
                await client.EnqueueAsync(new BenchNoop(i));
            }
        });

    /// <summary>Jobs per second of <paramref name="enqueue"/>, from an empty table after a checkpoint, as the peers measure it.</summary>
    private static async Task<double> EnqueueRateAsync(NpgsqlDataSource admin, string connectionString, string schema, int jobs,
        Costs costs, string phase, Func<IJobClient, Task> enqueue)
    {
        var host = Build(connectionString, schema, 1, server: false, new BenchProbe());
        await host.StartAsync();
        await ResetAsync(admin, schema);
        await using (var connection = await admin.OpenConnectionAsync())
        {
            await connection.ExecuteAsync("checkpoint", commandType: System.Data.CommandType.Text);
        }
        var client = host.Services.GetRequiredService<IJobClient>();
        await costs.StartAsync();
        var started = Stopwatch.GetTimestamp();
        await enqueue(client);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        await host.StopAsync();
        host.Dispose();
        await costs.StopAsync(phase, jobs);
        await Verify(admin, schema, jobs);
        return jobs / seconds;
    }

    public static async Task<(double P50, double P95, double P99)> LatencyAsync(NpgsqlDataSource admin, string connectionString, string schema,
        int jobs, TimeSpan gap, int concurrency, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var probe = new BenchProbe { StartedAt = new long[jobs] };
        using var producer = Build(connectionString, schema, concurrency, server: false, probe);
        await producer.StartAsync();
        await ResetAsync(admin, schema);
        using var worker = Build(connectionString, schema, concurrency, server: true, probe, settings);
        await worker.StartAsync();
        await Task.Delay(2000); // let the server go idle, as the peers' benchmarks do

        var client = producer.Services.GetRequiredService<IJobClient>();
        var sent = new long[jobs];
        var origin = Stopwatch.GetTimestamp();
        for (var i = 0; i < jobs; i++)
        {
            var target = origin + (long)(i * gap.TotalSeconds * Stopwatch.Frequency);
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), target);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }
            sent[i] = Stopwatch.GetTimestamp();
            await client.EnqueueAsync(new BenchNoop(i));
        }
        var deadline = Stopwatch.GetTimestamp() + 60 * Stopwatch.Frequency;
        while (probe.Handled < jobs && Stopwatch.GetTimestamp() < deadline)
        {
            await Task.Delay(5);
        }
        await worker.StopAsync();
        await producer.StopAsync();
        if (probe.Handled < jobs)
        {
            throw new InvalidOperationException($"latency: only {probe.Handled}/{jobs} jobs started");
        }
        var latencies = Enumerable.Range(0, jobs)
            .Select(i => Stopwatch.GetElapsedTime(sent[i], probe.StartedAt[i]).TotalMilliseconds)
            .Order()
            .ToArray();
        return (Percentile(latencies, 50), Percentile(latencies, 95), Percentile(latencies, 99));
    }

    // Nearest rank, as the peers compute it.
    private static double Percentile(double[] sorted, double p) =>
        sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static List<JobRequest> Requests(int from, int count) =>
        Enumerable.Range(from, count).Select(i => JobRequest.Create(new BenchNoop(i))).ToList();

    private static async Task ResetAsync(NpgsqlDataSource admin, string schema)
    {
        await using var connection = await admin.OpenConnectionAsync();
        await connection.ExecuteAsync(History.Floor == 0
            ? $"truncate {schema}.job; delete from {schema}.server;"
            : $"delete from {schema}.job where id > {History.Floor}; delete from {schema}.server;");
    }

    private static async Task Verify(NpgsqlDataSource admin, string schema, int expected)
    {
        await using var connection = await admin.OpenConnectionAsync();
        var count = await connection.ExecuteScalarAsync<long>($"select count(*) from {schema}.job where id > @floor", new { floor = History.Floor });
        if (count != expected)
        {
            throw new InvalidOperationException($"expected {expected} jobs, found {count}");
        }
    }

    private static IHost Build(string connectionString, string schema, int concurrency, bool server, BenchProbe probe,
        IReadOnlyDictionary<string, string?>? settings = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Jobs"] = connectionString,
            ["Jobs:Schema"] = schema,
            ["Jobs:Server:Queues:default"] = concurrency.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        builder.Configuration.AddInMemoryCollection(settings ?? (History.Floor > 0 ? History.Keep : new Dictionary<string, string?>()));
        // Engine settings may be overridden for experiments, e.g. Jobs__Server__PrefetchLimit=1000.
        builder.Configuration.AddEnvironmentVariables();
        builder.Logging.ClearProviders().AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton(probe);
        if (server)
        {
            builder.Services.AddJobsServer().AddHandler<BenchNoopHandler, BenchNoop>();
        }
        else
        {
            builder.Services.AddJobsEngine();
        }
        return builder.Build();
    }
}
