using Jobs.Engine;
using Jobs.Engine.Client;
using Jobs.Engine.Monitoring;
using Jobs.Engine.Recurring;
using Jobs.Engine.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Jobs.Hangfire.Storage;

/// <summary>
/// The engine the storage talks to: its public clients, from an application's own services or from
/// a private service provider built for a storage created with a connection string or data source.
/// </summary>
internal sealed class EngineClients
{
    private EngineClients(IServiceProvider services)
    {
        Jobs = services.GetRequiredService<IJobClient>();
        Schedules = services.GetRequiredService<IScheduleClient>();
        Monitor = services.GetRequiredService<JobsMonitor>();
        Database = services.GetRequiredService<JobsDatabase>();
        Schema = services.GetRequiredService<JobsSchema>();
    }

    public IJobClient Jobs { get; }

    public IScheduleClient Schedules { get; }

    public JobsMonitor Monitor { get; }

    public JobsDatabase Database { get; }

    public JobsSchema Schema { get; }

    /// <summary>An engine of its own on <paramref name="connectionString"/>, with the pools a host's engine has (a main one and one for session locks).</summary>
    public static EngineClients Create(string connectionString, string schema) =>
        Build(schema, services => services.AddSingleton(new JobsDatabase(
            Options.Create(new JobsOptions { ConnectionString = connectionString, Schema = schema }), new ConfigurationBuilder().Build())));

    /// <summary>An engine of its own on a data source the caller keeps (and disposes).</summary>
    public static EngineClients Create(NpgsqlDataSource dataSource, string schema) =>
        Build(schema, services => services.AddSingleton(_ => new JobsDatabase(dataSource, schema)));

    /// <summary>The engine of an application's services.</summary>
    public static EngineClients From(IServiceProvider services) => new(services);

    private static EngineClients Build(string schema, Action<IServiceCollection> database)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Jobs:Schema"] = schema })
            .Build());
        // Registered before AddJobsEngine, whose TryAdd then keeps it.
        database(services);
        services.AddJobsEngine();
        // Lives as long as the storage, which Hangfire keeps for the process (JobStorage.Current).
        return new EngineClients(services.BuildServiceProvider());
    }
}
