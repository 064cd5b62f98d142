using Jobs.Engine;
using Jobs.Engine.Client;
using Jobs.Engine.Recurring;
using Jobs.Engine.Server;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Jobs.Testing;

/// <summary>
/// A real host running the engine against a test schema: a job server (by default) or only the
/// client. Several may run on one schema to act as several servers.
/// </summary>
public sealed class TestEngine : IAsyncDisposable
{
    private readonly IHost _host;
    private bool _stopped;

    private TestEngine(IHost host, CapturedLogs logs)
    {
        _host = host;
        Logs = logs;
    }

    public IServiceProvider Services => _host.Services;
    public IJobClient Client => Services.GetRequiredService<IJobClient>();
    public IScheduleClient Schedules => Services.GetRequiredService<IScheduleClient>();
    public JobServer Server => Services.GetRequiredService<JobServer>();
    public CapturedLogs Logs { get; }

    /// <summary>Builds and starts a host. Settings are configuration keys, e.g. <c>Jobs:Server:Queues:default</c>.</summary>
    public static async Task<TestEngine> StartAsync(
        TestSchema schema,
        Action<JobsBuilder>? jobs = null,
        IReadOnlyDictionary<string, string?>? settings = null,
        bool server = true,
        Action<IServiceCollection>? services = null)
    {
        var host = Build(schema, jobs, settings, server, services, out var logs);
        await host.StartAsync();
        return new TestEngine(host, logs);
    }

    /// <summary>Builds a host without starting it, for tests of start-up failures.</summary>
    public static IHost Build(
        TestSchema schema,
        Action<JobsBuilder>? jobs,
        IReadOnlyDictionary<string, string?>? settings,
        bool server,
        Action<IServiceCollection>? services,
        out CapturedLogs logs)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        var values = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Jobs"] = TestDatabase.ConnectionString,
            ["Jobs:Schema"] = schema.Name,
            ["Jobs:Server:HeartbeatInterval"] = "00:00:00.200",
            ["Jobs:Server:ServerTimeout"] = "00:00:02",
            ["Jobs:Server:DrainTimeout"] = "00:00:05",
            ["Jobs:Server:CancellationGrace"] = "00:00:01",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }
        builder.Configuration.AddInMemoryCollection(values);
        logs = new CapturedLogs();
        builder.Logging.ClearProviders().SetMinimumLevel(LogLevel.Debug).AddProvider(logs);
        var jobsBuilder = server ? builder.Services.AddJobsServer() : builder.Services.AddJobsEngine();
        jobs?.Invoke(jobsBuilder);
        services?.Invoke(builder.Services);
        return builder.Build();
    }

    public async Task StopAsync()
    {
        if (!_stopped)
        {
            _stopped = true;
            await _host.StopAsync(TimeSpan.FromSeconds(30));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _host.Dispose();
    }
}
