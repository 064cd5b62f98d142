using System.Globalization;
using Jobs.Engine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Jobs.Workers.Bench;

/// <summary>
/// One worker process of the benchmark: a job server with the drain and limited kinds, until a line (or the
/// end) on standard input; then it stops, draining, and writes what its handlers saw to the records file.
/// </summary>
internal static class WorkerChild
{
    // args: RECORDS_FILE CONCURRENCY GLOBAL_LIMIT PARTITION_LIMIT; ConnectionStrings__Jobs and Jobs__Schema from the environment.
    public static async Task<int> RunAsync(string[] args)
    {
        var records = args[0];
        var concurrency = args[1];
        var globalLimit = int.Parse(args[2], CultureInfo.InvariantCulture);
        var partitionLimit = int.Parse(args[3], CultureInfo.InvariantCulture);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Jobs:Server:Queues:default"] = concurrency,
            ["Jobs:Server:HeartbeatInterval"] = "00:00:00.500",
        });
        builder.Configuration.AddEnvironmentVariables();
        builder.Logging.ClearProviders().AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        var log = new RunLog();
        builder.Services.AddSingleton(log);
        builder.Services.AddJobsServer()
            .AddHandler<DrainHandler, DrainJob>()
            .AddHandler<LimitedHandler, LimitedJob>(kind =>
            {
                kind.GlobalLimit = globalLimit;
                kind.PartitionLimit = partitionLimit;
            });
        using var host = builder.Build();
        await host.StartAsync();
        await Console.In.ReadLineAsync();
        await host.StopAsync(TimeSpan.FromSeconds(30));

        await using var file = new StreamWriter(records);
        foreach (var i in log.Drained)
        {
            await file.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"d,{i}"));
        }
        foreach (var run in log.Limited)
        {
            await file.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"l,{run.I},{run.Partition},{run.Start},{run.End}"));
        }
        return 0;
    }
}
