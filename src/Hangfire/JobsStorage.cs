using Hangfire;
using Hangfire.Common;
using Hangfire.Logging;
using Hangfire.Server;
using Hangfire.Storage;
using Jobs.Hangfire.Storage;
using Npgsql;

namespace Jobs.Hangfire;

/// <summary>
/// A Hangfire <see cref="JobStorage"/> over the Jobs engine's own tables: no Hangfire tables of its
/// own. Hangfire's client (<c>BackgroundJob</c>, <c>IBackgroundJobClient</c>, <c>RecurringJob</c>,
/// <c>IRecurringJobManager</c>) runs as usual, filters and state election included, and what it
/// writes lands as engine jobs and schedules: one engine job of kind <c>hangfire.job</c> per Hangfire
/// job, one engine schedule per recurring job. The engine's server runs them
/// (<c>AddJobsServer().AddHangfireJobs()</c>); Hangfire's own server does not run on this storage.
/// Create it with <c>UseJobsStorage</c>.
/// </summary>
public sealed class JobsStorage : JobStorage
{
    /// <summary>What a Hangfire server started on this storage says.</summary>
    internal const string ServerNotSupported =
        "Hangfire's server (AddHangfireServer, BackgroundJobServer) does not run jobs on the Jobs storage: " +
        "remove it and use services.AddJobsServer().AddHangfireJobs() instead, which runs the same jobs on the engine's server.";

    private static readonly Dictionary<string, bool> Features = new(StringComparer.OrdinalIgnoreCase)
    {
        [JobStorageFeatures.JobQueueProperty] = true,
    };

    private JobsStorage(EngineClients engine, JobsStorageOptions options, string description)
    {
        Engine = engine;
        Options = options;
        FilterProvider = options.FilterProvider ?? JobFilterProviders.Providers;
        Ids = new IdReservations(engine.Jobs, TimeProvider.System);
        Locks = new DistributedLocks(engine.Database.SessionDataSource, engine.Database.Schema);
        _description = description;
        if (options.PrepareSchemaIfNecessary)
        {
            engine.Schema.EnsureAsync(CancellationToken.None).GetAwaiter().GetResult();
        }
    }

    private readonly string _description;

    internal EngineClients Engine { get; }

    internal JobsStorageOptions Options { get; }

    internal IJobFilterProvider FilterProvider { get; }

    internal IdReservations Ids { get; }

    internal DistributedLocks Locks { get; }

    /// <summary>Reads are answered by PostgreSQL after the writes they follow: no retry loops needed.</summary>
    public override bool LinearizableReads => true;

    internal static JobsStorage Create(string connectionString, JobsStorageOptions options)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        return new JobsStorage(EngineClients.Create(connectionString, options.Schema), options, Describe(builder.Host, builder.Database, options.Schema));
    }

    internal static JobsStorage Create(NpgsqlDataSource dataSource, JobsStorageOptions options)
    {
        var builder = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString);
        return new JobsStorage(EngineClients.Create(dataSource, options.Schema), options, Describe(builder.Host, builder.Database, options.Schema));
    }

    internal static JobsStorage Create(IServiceProvider services, JobsStorageOptions options)
    {
        var engine = EngineClients.From(services);
        var builder = new NpgsqlConnectionStringBuilder(engine.Database.DataSource.ConnectionString);
        return new JobsStorage(engine, options, Describe(builder.Host, builder.Database, engine.Database.Schema));
    }

    private static string Describe(string? host, string? database, string schema) => $"Jobs engine on {host}/{database}, schema {schema}";

    /// <inheritdoc />
    public override IStorageConnection GetConnection() => new JobsStorageConnection(this);

    /// <inheritdoc />
    public override IMonitoringApi GetMonitoringApi() => new JobsMonitoringApi(this);

    /// <inheritdoc />
    public override bool HasFeature(string featureId)
    {
        ArgumentNullException.ThrowIfNull(featureId);
        return Features.TryGetValue(featureId, out var supported) && supported;
    }

    /// <summary>Refuses Hangfire's server, which calls this first, with the line to use instead.</summary>
    public override void WriteOptionsToLog(ILog logger)
    {
        logger.Log(LogLevel.Error, () => ServerNotSupported);
        throw new InvalidOperationException(ServerNotSupported);
    }

#pragma warning disable CS0618 // GetComponents is obsolete, but older servers call it.
    /// <inheritdoc />
    [Obsolete("Hangfire's server does not run on this storage.")]
    public override IEnumerable<IServerComponent> GetComponents() => throw new InvalidOperationException(ServerNotSupported);
#pragma warning restore CS0618

    /// <inheritdoc />
    public override IEnumerable<IBackgroundProcess> GetServerRequiredProcesses() => throw new InvalidOperationException(ServerNotSupported);

    /// <inheritdoc />
    public override IEnumerable<IBackgroundProcess> GetStorageWideProcesses() => throw new InvalidOperationException(ServerNotSupported);

    /// <inheritdoc />
    public override string ToString() => _description;
}
