using Jobs.Engine;
using Jobs.Engine.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Jobs.Operators.Storage;

/// <summary>
/// Migrates the operators' schema (or checks it is current) at start, after the engine's schema (whose
/// historical migrations created the tables the first migration adopts) and before a request signs
/// in or presents an API key; readiness asks it again. Follows <c>Jobs:MigrateOnStart</c>: the process
/// that migrates the engine migrates this schema too.
/// </summary>
internal sealed class OperatorsSchemaStartup(OperatorsDatabase database, IOptions<JobsOptions> options, ILogger<Migrator> logger) : IJobsStartupTask, IJobsSchemaCheck
{
    private readonly Migrator migrator = Migrator.For(database.Engine, database.Schema, OperatorsDatabase.Migrations, logger);

    public Task<(bool Ready, string Reason)> CheckAsync(CancellationToken cancellationToken) => migrator.CheckAsync(cancellationToken);

    public Task RunAsync(CancellationToken cancellationToken) =>
        migrator.MigrateOrCheckAsync(options.Value.MigrateOnStart, "Jobs:MigrateOnStart", cancellationToken);
}
