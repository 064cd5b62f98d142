using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Jobs.Engine.Storage;

/// <summary>
/// The engine's connection to PostgreSQL: its connection pools (<see cref="DataSource"/> for
/// statements, <see cref="SessionDataSource"/> for what needs a whole session, <see cref="ReadDataSource"/>
/// for bulk reads), the schema, and the notification channel.
/// </summary>
public sealed class JobsDatabase : IAsyncDisposable
{
    private readonly NpgsqlDataSource? _session;
    private readonly NpgsqlDataSource? _readOnly;

    /// <summary>
    /// Creates the data sources from the options and the configuration's connection strings: the main
    /// pool, a pool for session features (the direct connection string when set, else the main one's
    /// server unless that is a pooler in transaction mode), and the read-only copy when set.
    /// </summary>
    public JobsDatabase(IOptions<JobsOptions> options, IConfiguration configuration)
        : this(Build(options.Value, configuration), options.Value)
    {
    }

    private JobsDatabase((NpgsqlDataSource Main, NpgsqlDataSource? Session, NpgsqlDataSource? ReadOnly) sources, JobsOptions options)
        : this(sources.Main, options.Schema, options.Pooler, sources.Session, sources.ReadOnly)
    {
    }

    /// <summary>Uses an existing data source (which this instance then owns and disposes) and schema.</summary>
    public JobsDatabase(NpgsqlDataSource dataSource, string schema)
        : this(dataSource, schema, JobsPooler.None, null, null)
    {
    }

    /// <summary>
    /// Uses existing data sources (which this instance then owns and disposes): the main one, reached
    /// through <paramref name="pooler"/>; optionally one for session features (whole PostgreSQL sessions,
    /// reset by Npgsql when a connection goes back to its pool) and a read-only one for bulk reads.
    /// </summary>
    public JobsDatabase(NpgsqlDataSource dataSource, string schema, JobsPooler pooler, NpgsqlDataSource? session, NpgsqlDataSource? readOnly)
    {
        DataSource = dataSource;
        Schema = schema;
        Pooler = pooler;
        _session = session;
        _readOnly = readOnly;
        Channel = schema + "_events";
        Sql = new JobSql(schema);
    }

    /// <summary>The connection pool.</summary>
    public NpgsqlDataSource DataSource { get; }

    /// <summary>What stands between <see cref="DataSource"/> and PostgreSQL.</summary>
    public JobsPooler Pooler { get; }

    /// <summary>
    /// Connections that are whole PostgreSQL sessions, for what must outlive a transaction (LISTEN, session
    /// advisory locks): the session pool when there is one, else the main pool unless it goes through a
    /// pooler in transaction mode; null then (poll instead of listening, lock per transaction).
    /// </summary>
    public NpgsqlDataSource? SessionDataSource => _session ?? (Pooler == JobsPooler.Transaction ? null : DataSource);

    /// <summary>Where reads of many jobs go (dashboard lists and overview): the read-only copy when one is configured, else <see cref="DataSource"/>.</summary>
    public NpgsqlDataSource ReadDataSource => _readOnly ?? DataSource;

    /// <summary>The schema that holds the engine's tables.</summary>
    public string Schema { get; }

    /// <summary>The LISTEN/NOTIFY channel servers are woken on.</summary>
    public string Channel { get; }

    internal JobSql Sql { get; }

    /// <summary>Builds a data source tuned for the engine: statements it runs often are prepared automatically.</summary>
    public static NpgsqlDataSource CreateDataSource(string connectionString) => CreateDataSource(connectionString, JobsPooler.None, "jobs");

    /// <summary>
    /// Builds a data source tuned for the engine, for a connection reached through <paramref name="pooler"/>:
    /// directly, statements it runs often are prepared automatically and JIT is off; through a pooler the
    /// connection carries no <c>options</c> startup parameter (PgBouncer refuses it), and in transaction mode
    /// no statement is prepared unless the connection string asks for it.
    /// </summary>
    public static NpgsqlDataSource CreateDataSource(string connectionString, JobsPooler pooler, string name = "jobs") =>
        CreateDataSource(connectionString, pooler, name, resetOnClose: pooler != JobsPooler.Transaction);

    private static NpgsqlDataSource CreateDataSource(string connectionString, JobsPooler pooler, string name, bool resetOnClose)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        var csb = builder.ConnectionStringBuilder;
        // Named prepared statements live in a server session; in transaction mode the next statement may
        // run in another one ("prepared statement does not exist"). PgBouncer 1.21+ with
        // max_prepared_statements tracks them: then set Max Auto Prepare in the connection string.
        if (csb.MaxAutoPrepare == 0 && pooler != JobsPooler.Transaction)
        {
            csb.MaxAutoPrepare = 64;
        }
        if (!resetOnClose)
        {
            // Npgsql resets a pooled connection on its next use: with prepared statements, seven statements
            // (unlisten, unlock advisory locks, reset settings, ...) sent before the caller's and run as
            // transactions of their own, on every enqueue (bench: 8 statements and 2 commits per single
            // enqueue, 1 and 1 without). Only pools whose users leave no session state skip it: through a
            // pooler in transaction mode there is no session to reset, and the hosts' main pool runs no
            // LISTEN, session lock or SET (those go to the session pool).
            csb.NoResetOnClose = true;
        }
        if (string.IsNullOrEmpty(csb.ApplicationName))
        {
            csb.ApplicationName = "jobs";
        }
        // No JIT compilation: every statement of the engine reads few rows through an index, but the
        // planner prices some bounded ones (capped counts, recursive skip scans of the monitoring
        // views) far above jit_above_cost, and compiling them took ~600 ms of a 2 ms query. A jit
        // setting in the connection string's Options wins. A pooler refuses the options startup
        // parameter (PgBouncer: "unsupported startup parameter: options"): there, ALTER ROLE ... SET jit = off.
        if (pooler == JobsPooler.None && csb.Options?.Contains("jit", StringComparison.OrdinalIgnoreCase) != true)
        {
            csb.Options = string.IsNullOrWhiteSpace(csb.Options) ? "-c jit=off" : csb.Options + " -c jit=off";
        }
        // The pool's name in metrics and logs: neutral, since /metrics may be open to whoever reaches the port.
        builder.Name = name;
        return builder.Build();
    }

    private static (NpgsqlDataSource Main, NpgsqlDataSource? Session, NpgsqlDataSource? ReadOnly) Build(JobsOptions options, IConfiguration configuration)
    {
        var connectionString = options.ConnectionString ?? configuration.GetConnectionString(options.ConnectionStringName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException(
                $"No PostgreSQL connection string: set ConnectionStrings:{options.ConnectionStringName} " +
                $"(environment variable ConnectionStrings__{options.ConnectionStringName}) or Jobs:ConnectionString.");
        }
        var session = BuildOptional(configuration, options.DirectConnectionStringName, JobsPooler.None, "jobs-direct")
            ?? (options.Pooler == JobsPooler.Transaction ? null : CreateDataSource(connectionString, options.Pooler, "jobs-session"));
        return (CreateDataSource(connectionString, options.Pooler, "jobs", resetOnClose: false), session,
            BuildOptional(configuration, options.ReadOnlyConnectionStringName, options.Pooler, "jobs-readonly"));
    }

    // The read-only copy may sit behind the same pooler as the primary, so it is built for that pooler.
    private static NpgsqlDataSource? BuildOptional(IConfiguration configuration, string name, JobsPooler pooler, string poolName) =>
        configuration.GetConnectionString(name) is { Length: > 0 } connectionString
            ? CreateDataSource(connectionString, pooler, poolName)
            : null;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await DataSource.DisposeAsync();
        if (_session is not null)
        {
            await _session.DisposeAsync();
        }
        if (_readOnly is not null)
        {
            await _readOnly.DisposeAsync();
        }
    }
}
