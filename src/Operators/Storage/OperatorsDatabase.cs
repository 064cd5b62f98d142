using Jobs.Engine.Storage;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Jobs.Operators.Storage;

/// <summary>
/// The operator tables: the engine's connection pool (one database, so an action on jobs and its
/// audit record commit in one transaction) and the operators' own schema.
/// </summary>
public sealed class OperatorsDatabase
{
    /// <summary>Uses the engine's database and the schema the options name.</summary>
    public OperatorsDatabase(JobsDatabase engine, IOptions<OperatorsOptions> options)
    {
        Engine = engine;
        Schema = options.Value.SchemaFor(engine.Schema);
        if (Schema == engine.Schema)
        {
            // Each schema keeps its own migration history, numbered from 1.
            throw new InvalidOperationException($"Operators:Schema must not be the engine's schema '{engine.Schema}' (Jobs:Schema).");
        }
        Sql = new OperatorSql(Schema);
    }

    /// <summary>The operators' migrations embedded in this assembly.</summary>
    public static MigrationSet Migrations { get; } = MigrationSet.FromAssembly("operators", typeof(OperatorsDatabase).Assembly, "Jobs.Operators.Migrations.");

    /// <summary>The engine's database (its direct connection, for the migration lock).</summary>
    public JobsDatabase Engine { get; }

    /// <summary>The connection pool, shared with the engine.</summary>
    public NpgsqlDataSource DataSource => Engine.DataSource;

    /// <summary>The schema of the operator tables.</summary>
    public string Schema { get; }

    internal OperatorSql Sql { get; }
}
