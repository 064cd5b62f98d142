using Dapper;
using Jobs.Engine.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Jobs.Testing;

/// <summary>A fresh schema for one test, migrated, dropped when disposed.</summary>
public sealed class TestSchema : IAsyncDisposable
{
    private TestSchema(string name) => Name = name;

    public string Name { get; }

    /// <summary>The schema for business tables that goes with this one (dropped with it).</summary>
    public string AppSchema => Name + "_app";

    /// <summary>The operators' schema that goes with this one (Operators:Schema's default; dropped with it).</summary>
    public string OperatorsSchema => Name + "_operators";

    public NpgsqlDataSource DataSource => TestDatabase.DataSource;

    public static async Task<TestSchema> CreateAsync(bool migrate = true)
    {
        var schema = new TestSchema("t_" + Guid.NewGuid().ToString("N")[..12]);
        if (migrate)
        {
            await using var database = new JobsDatabase(JobsDatabase.CreateDataSource(TestDatabase.ConnectionString), schema.Name);
            await new Migrator(database, NullLogger<Migrator>.Instance).MigrateAsync(CancellationToken.None);
        }
        return schema;
    }

    /// <summary>Runs a query; <c>{s}</c> in the SQL is the schema name, <c>{app}</c> the business schema, <c>{ops}</c> the operators'.</summary>
    public async Task<T> ScalarAsync<T>(string sql, object? parameters = null)
    {
        await using var connection = await DataSource.OpenConnectionAsync();
        return (await connection.ExecuteScalarAsync<T>(Expand(sql), parameters))!;
    }

    public async Task<List<T>> QueryAsync<T>(string sql, object? parameters = null)
    {
        await using var connection = await DataSource.OpenConnectionAsync();
        return (await connection.QueryAsync<T>(Expand(sql), parameters)).ToList();
    }

    public async Task<int> ExecuteAsync(string sql, object? parameters = null)
    {
        await using var connection = await DataSource.OpenConnectionAsync();
        return await connection.ExecuteAsync(Expand(sql), parameters);
    }

    public async ValueTask DisposeAsync()
    {
        await using var connection = await DataSource.OpenConnectionAsync();
        await connection.ExecuteAsync($"drop schema if exists {Name} cascade; drop schema if exists {AppSchema} cascade; drop schema if exists {OperatorsSchema} cascade");
    }

    private string Expand(string sql) =>
        sql.Replace("{app}", AppSchema, StringComparison.Ordinal).Replace("{ops}", OperatorsSchema, StringComparison.Ordinal)
            .Replace("{s}", Name, StringComparison.Ordinal);
}
