using Npgsql;

namespace Jobs.Engine.Storage;

/// <summary>
/// The engine's storage: runs the named SQL of <see cref="JobSql"/> against the pool. Split by
/// concern into partial files: enqueue and admin (client), claim and completion (server),
/// maintenance.
/// </summary>
internal sealed partial class JobStore(JobsDatabase database)
{
    public JobsDatabase Database { get; } = database;

    private JobSql Sql => Database.Sql;

    private NpgsqlDataSource DataSource => Database.DataSource;

    private static NpgsqlParameter<T> Param<T>(string name, T value) => new(name, value);
}
