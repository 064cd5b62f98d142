using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Jobs.Engine.Storage;

/// <summary>
/// The engine's connection to PostgreSQL: one <see cref="NpgsqlDataSource"/> (a connection pool),
/// the schema, and the notification channel.
/// </summary>
public sealed class JobsDatabase : IAsyncDisposable
{
    /// <summary>Creates the data source from the options and the configuration's connection strings.</summary>
    public JobsDatabase(IOptions<JobsOptions> options, IConfiguration configuration)
        : this(Build(options.Value, configuration), options.Value.Schema)
    {
    }

    /// <summary>Uses an existing data source (which this instance then owns and disposes) and schema.</summary>
    public JobsDatabase(NpgsqlDataSource dataSource, string schema)
    {
        DataSource = dataSource;
        Schema = schema;
        Channel = schema + "_events";
        Sql = new JobSql(schema);
    }

    /// <summary>The connection pool.</summary>
    public NpgsqlDataSource DataSource { get; }

    /// <summary>The schema that holds the engine's tables.</summary>
    public string Schema { get; }

    /// <summary>The LISTEN/NOTIFY channel servers are woken on.</summary>
    public string Channel { get; }

    internal JobSql Sql { get; }

    /// <summary>Builds a data source tuned for the engine: statements it runs often are prepared automatically.</summary>
    public static NpgsqlDataSource CreateDataSource(string connectionString)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        var csb = builder.ConnectionStringBuilder;
        if (csb.MaxAutoPrepare == 0)
        {
            csb.MaxAutoPrepare = 64;
        }
        if (string.IsNullOrEmpty(csb.ApplicationName))
        {
            csb.ApplicationName = "jobs";
        }
        // No JIT compilation: every statement of the engine reads few rows through an index, but the
        // planner prices some bounded ones (capped counts, recursive skip scans of the monitoring
        // views) far above jit_above_cost, and compiling them took ~600 ms of a 2 ms query. A jit
        // setting in the connection string's Options wins.
        if (csb.Options?.Contains("jit", StringComparison.OrdinalIgnoreCase) != true)
        {
            csb.Options = string.IsNullOrWhiteSpace(csb.Options) ? "-c jit=off" : csb.Options + " -c jit=off";
        }
        // The pool's name in metrics and logs: neutral, since /metrics may be open to whoever reaches the port.
        builder.Name = "jobs";
        return builder.Build();
    }

    private static NpgsqlDataSource Build(JobsOptions options, IConfiguration configuration)
    {
        var connectionString = options.ConnectionString ?? configuration.GetConnectionString(options.ConnectionStringName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException(
                $"No PostgreSQL connection string: set ConnectionStrings:{options.ConnectionStringName} " +
                $"(environment variable ConnectionStrings__{options.ConnectionStringName}) or Jobs:ConnectionString.");
        }
        return CreateDataSource(connectionString);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => DataSource.DisposeAsync();
}
