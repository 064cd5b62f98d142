using Jobs.Engine.Client;
using Jobs.Engine.Handlers;
using Jobs.Engine.Recurring;
using Jobs.Engine.Server;
using Jobs.Engine.Server.Maintenance;
using Jobs.Engine.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Jobs.Engine;

/// <summary>The engine's DI entry points. Calling them twice is harmless.</summary>
public static class JobsServiceCollectionExtensions
{
    /// <summary>
    /// Adds the client side: storage, migrations at start, <see cref="IJobClient"/> and
    /// <see cref="IScheduleClient"/>. Options bind from <c>Jobs</c>; the connection string from
    /// <c>ConnectionStrings:Jobs</c>.
    /// </summary>
    public static JobsBuilder AddJobsEngine(this IServiceCollection services)
    {
        services.AddSettings<JobsOptions>(JobsOptions.SectionName);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<JobsDatabase>();
        services.TryAddSingleton<JobStore>();
        services.TryAddSingleton(sp => new Migrator(sp.GetRequiredService<JobsDatabase>(), sp.GetRequiredService<ILogger<Migrator>>()));
        services.TryAddSingleton<JobsSchema>();
        services.TryAddSingleton(sp => new JobsMetrics(sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(),
            sp.GetServices<JobKindRegistration>(), sp.GetService<IConfiguration>()));
        services.TryAddSingleton<IJobClient, JobClient>();
        services.TryAddSingleton<IScheduleClient, ScheduleClient>();
        services.TryAddSingleton<JobImports>();
        services.TryAddSingleton<Monitoring.JobsMonitor>();
        services.TryAddSingleton<Monitoring.QueueGauges>();
        services.TryAddSingleton<JobKindCatalog>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, SchemaStartup>());
        AddMeterFactory(services);
        return new JobsBuilder(services);
    }

    /// <summary>Adds a worker server (and the client side): run jobs of the registered handlers from the configured queues.</summary>
    public static JobsBuilder AddJobsServer(this IServiceCollection services)
    {
        var builder = services.AddJobsEngine();
        services.AddSettings<JobServerOptions>(JobServerOptions.SectionName);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<JobServerOptions>, JobServerOptionsValidator>());
        services.AddSettings<RecurringOptions>(RecurringOptions.SectionName);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<RecurringOptions>, ScheduleArgsFromConfiguration>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RecurringOptions>, RecurringOptionsValidator>());
        services.TryAddSingleton(_ => ServerIdentity.Create());
        services.TryAddSingleton(sp => new JobKindRegistry(sp.GetServices<JobKindRegistration>(), sp.GetService<IConfiguration>()));
        services.TryAddSingleton<RunningJobs>();
        services.TryAddSingleton<HeldJobs>();
        services.TryAddSingleton<QueuePauses>();
        services.TryAddSingleton<CompletionWriter>();
        services.TryAddSingleton<StatsCollector>();
        services.TryAddSingleton<JobExecutor>();
        services.TryAddSingleton<EventListener>();
        services.TryAddSingleton<Heartbeat>();
        services.TryAddSingleton<Promoter>();
        services.TryAddSingleton<Rescuer>();
        services.TryAddSingleton<Pruner>();
        services.TryAddSingleton<RecurringScheduler>();
        services.TryAddSingleton(sp => new JobServer(
            sp.GetRequiredService<ServerIdentity>(), sp.GetRequiredService<JobsSchema>(), sp.GetRequiredService<JobStore>(),
            sp.GetRequiredService<JobKindRegistry>(), sp.GetRequiredService<JobExecutor>(), sp.GetRequiredService<CompletionWriter>(),
            sp.GetRequiredService<RunningJobs>(), sp.GetRequiredService<QueuePauses>(), sp.GetRequiredService<EventListener>(),
            sp.GetRequiredService<Heartbeat>(), sp.GetRequiredService<Promoter>(), sp.GetRequiredService<Rescuer>(),
            sp.GetRequiredService<Pruner>(), sp.GetRequiredService<RecurringScheduler>(), sp.GetRequiredService<StatsCollector>(),
            sp.GetRequiredService<JobsMetrics>(), sp.GetRequiredService<IOptions<JobServerOptions>>(),
            sp.GetRequiredService<IOptions<RecurringOptions>>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<JobServer>>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, JobServer>(sp => sp.GetRequiredService<JobServer>()));
        return builder;
    }

    private static void AddMeterFactory(IServiceCollection services)
    {
        // Hosts register a meter factory; a bare service collection (a console tool, a test) gets a plain one.
        services.TryAddSingleton<System.Diagnostics.Metrics.IMeterFactory, PlainMeterFactory>();
    }

    /// <summary>Migrates (or checks) the schema when the host starts, before the server or any request uses it.</summary>
    private sealed class SchemaStartup(JobsSchema schema) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => schema.EnsureAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    /// <summary>Reads each configured schedule's <c>Args</c> section into its JSON.</summary>
    private sealed class ScheduleArgsFromConfiguration(IConfiguration configuration) : IConfigureOptions<RecurringOptions>
    {
        public void Configure(RecurringOptions options)
        {
            foreach (var section in configuration.GetSection(RecurringOptions.SectionName).GetSection("Schedules").GetChildren())
            {
                var args = section.GetSection("Args");
                if (args.Exists() && options.Schedules.TryGetValue(section.Key, out var schedule))
                {
                    schedule.ArgsJson = ConfigurationJson.ToObject(args).ToJsonString();
                }
            }
        }
    }

    private sealed class PlainMeterFactory : System.Diagnostics.Metrics.IMeterFactory
    {
        private readonly List<System.Diagnostics.Metrics.Meter> _meters = [];

        public System.Diagnostics.Metrics.Meter Create(System.Diagnostics.Metrics.MeterOptions options)
        {
            var meter = new System.Diagnostics.Metrics.Meter(options);
            lock (_meters)
            {
                _meters.Add(meter);
            }
            return meter;
        }

        public void Dispose()
        {
            lock (_meters)
            {
                _meters.ForEach(m => m.Dispose());
            }
        }
    }
}
