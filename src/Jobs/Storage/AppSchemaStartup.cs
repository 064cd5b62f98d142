using Jobs.Engine.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Jobs.Storage;

/// <summary>Migrates the business schema when the host starts (or checks it is current).</summary>
internal sealed class AppSchemaStartup(AppDatabase database, IOptions<AppOptions> options, ILogger<Migrator> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
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

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
