using Jobs.Engine;
using Jobs.Engine.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Jobs.Storage;

/// <summary>
/// Migrates the business schema (or checks it is current) at start, after the engine's schema and
/// before the job server runs a job that needs these tables.
/// </summary>
internal sealed class AppSchemaStartup(AppDatabase database, IOptions<AppOptions> options, ILogger<Migrator> logger) : IJobsStartupTask
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var migrator = new Migrator(database.DataSource, database.Schema, AppDatabase.Migrations, logger);
        if (options.Value.MigrateOnStart)
        {
            await migrator.MigrateAsync(cancellationToken);
        }
        else if (!await migrator.IsCurrentAsync(cancellationToken))
        {
            throw new InvalidOperationException(
                $"Schema '{database.Schema}' lacks business migrations this version needs; run them (App:MigrateOnStart=true on one process) first.");
        }
    }
}
