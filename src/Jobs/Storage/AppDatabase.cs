using Jobs.Engine.Storage;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Jobs.Storage;

/// <summary>
/// The business tables: the engine's connection pool (one database, so a job can update its rows
/// and enqueue follow-up jobs in one transaction) and the business schema.
/// </summary>
public sealed class AppDatabase(JobsDatabase engine, IOptions<AppOptions> options)
{
    /// <summary>The business migrations embedded in this assembly.</summary>
    public static MigrationSet Migrations { get; } = MigrationSet.FromAssembly("app", typeof(AppDatabase).Assembly, "Jobs.App.Migrations.");

    /// <summary>The engine's database (its direct connection, for session locks).</summary>
    public JobsDatabase Engine => engine;

    /// <summary>The connection pool, shared with the engine.</summary>
    public NpgsqlDataSource DataSource => engine.DataSource;

    /// <summary>The schema of the business tables.</summary>
    public string Schema { get; } = options.Value.Schema;

    /// <summary>The engine's schema (for SQL that enqueues through <c>{engine}.enqueue</c>).</summary>
    public string EngineSchema => engine.Schema;
}
