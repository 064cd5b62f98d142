using Hangfire;
using Npgsql;

namespace Jobs.Hangfire;

/// <summary>
/// <c>UseJobsStorage</c>: Hangfire's client, recurring jobs and monitoring on the Jobs engine's
/// tables, in place of <c>UsePostgreSqlStorage</c>. Works with <c>services.AddHangfire(c => ...)</c>
/// and with <c>GlobalConfiguration.Configuration</c>; the storage becomes <c>JobStorage.Current</c>.
/// Jobs are run by the engine's server: <c>services.AddJobsServer().AddHangfireJobs()</c>.
/// </summary>
public static class JobsStorageConfigurationExtensions
{
    /// <summary>Uses the engine's tables in <paramref name="connectionString"/>'s database (schema <c>jobs</c> unless <paramref name="options"/> say otherwise).</summary>
    public static IGlobalConfiguration<JobsStorage> UseJobsStorage(this IGlobalConfiguration configuration, string connectionString,
        JobsStorageOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return configuration.UseStorage(JobsStorage.Create(connectionString, options ?? new JobsStorageOptions()));
    }

    /// <summary>Uses the engine's tables through an existing data source (which stays the caller's to dispose).</summary>
    public static IGlobalConfiguration<JobsStorage> UseJobsStorage(this IGlobalConfiguration configuration, NpgsqlDataSource dataSource,
        JobsStorageOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(dataSource);
        return configuration.UseStorage(JobsStorage.Create(dataSource, options ?? new JobsStorageOptions()));
    }

    /// <summary>
    /// Uses the engine already registered in an application's services (<c>AddJobsEngine</c> or
    /// <c>AddJobsServer</c>): its connection, schema and settings. For
    /// <c>services.AddHangfire((provider, c) => c.UseJobsStorage(provider))</c>.
    /// </summary>
    public static IGlobalConfiguration<JobsStorage> UseJobsStorage(this IGlobalConfiguration configuration, IServiceProvider services,
        JobsStorageOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(services);
        return configuration.UseStorage(JobsStorage.Create(services, options ?? new JobsStorageOptions()));
    }
}
