using Jobs.Engine;
using Jobs.Engine.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Jobs.Storage;

/// <summary>
/// Migrates the business schema (or checks it is current) at start, after the engine's schema and
/// before the job server runs a job that needs these tables; readiness asks it again.
/// </summary>
internal sealed class AppSchemaStartup(AppDatabase database, IOptions<AppOptions> options, ILogger<Migrator> logger) : IJobsStartupTask, IJobsSchemaCheck
{
    private readonly Migrator migrator = Migrator.For(database.Engine, database.Schema, AppDatabase.Migrations, logger);

    public Task<(bool Ready, string Reason)> CheckAsync(CancellationToken cancellationToken) => migrator.CheckAsync(cancellationToken);

    public Task RunAsync(CancellationToken cancellationToken) =>
        migrator.MigrateOrCheckAsync(options.Value.MigrateOnStart, "App:MigrateOnStart", cancellationToken);
}
