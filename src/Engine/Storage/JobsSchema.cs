using Dapper;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Jobs.Engine.Storage;

/// <summary>
/// Brings the schema up to date once per process, before anything uses it: migrates when
/// <see cref="JobsOptions.MigrateOnStart"/> is set, else checks that someone else did; then runs the
/// registered <see cref="IJobsStartupTask"/>s (an application's own migrations).
/// </summary>
public sealed partial class JobsSchema(
    Migrator migrator, IOptions<JobsOptions> options, IEnumerable<IJobsStartupTask> startupTasks, JobsDatabase database, ILogger<JobsSchema> logger)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private bool _ready;

    /// <summary>True once the schema was found or made current in this process.</summary>
    public bool IsReady => _ready;

    /// <summary>Migrates or verifies the schema; later calls return at once.</summary>
    public async Task EnsureAsync(CancellationToken cancellationToken)
    {
        if (_ready)
        {
            return;
        }
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_ready)
            {
                return;
            }
            if (options.Value.MigrateOnStart)
            {
                try
                {
                    await migrator.MigrateAsync(cancellationToken);
                }
                catch (Npgsql.PostgresException e) when (e.SqlState == Npgsql.PostgresErrorCodes.ProtocolViolation && options.Value.Pooler == JobsPooler.None)
                {
                    // PgBouncer answers a startup packet it does not accept (the options parameter that
                    // carries jit=off) with 08P01; PostgreSQL itself never refuses it so.
                    throw new InvalidOperationException(
                        "The server refused the connection's startup parameters (SQLSTATE 08P01, " + e.MessageText + "): " +
                        "is ConnectionStrings:Jobs a connection pooler such as PgBouncer? Set Jobs:Pooler=Transaction " +
                        "(or Session, after its pool mode) and, for LISTEN and the migration lock, ConnectionStrings:JobsDirect.", e);
                }
            }
            else
            {
                var expected = Migrator.All[^1].Version;
                var current = await migrator.CurrentVersionAsync(cancellationToken);
                if (current < expected)
                {
                    throw new InvalidOperationException(
                        $"Schema '{options.Value.Schema}' is at migration {current}, this version needs {expected}. " +
                        "Run the migrations (Jobs:MigrateOnStart=true on one process) before starting.");
                }
            }
            foreach (var task in startupTasks)
            {
                await task.RunAsync(cancellationToken);
            }
            await WarnOfJitAsync(cancellationToken);
            _ready = true;
        }
        finally
        {
            _gate.Release();
        }
    }

    // Through a pooler the engine cannot send -c jit=off (see JobsDatabase.CreateDataSource): say once
    // that JIT is on, and where to turn it off, instead of letting bounded counts spend ~0.5 s compiling.
    private async Task WarnOfJitAsync(CancellationToken cancellationToken)
    {
        if (database.Pooler == JobsPooler.None)
        {
            return;
        }
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        if (await connection.ExecuteScalarAsync<string>(new CommandDefinition("select current_setting('jit')", cancellationToken: cancellationToken)) == "on")
        {
            LogJitOn(logger, database.Pooler);
        }
    }

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning, Message = "JIT compilation is on for the engine's connections through the pooler (Jobs:Pooler={Pooler}), which cannot pass -c jit=off: run ALTER ROLE <user> SET jit = off (or ALTER DATABASE) so the dashboard's bounded counts do not spend time compiling")]
    private static partial void LogJitOn(ILogger logger, JobsPooler pooler);
}
