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

    /// <summary>Runs a query against this schema's tables; <c>{s}</c> in the SQL is the schema name.</summary>
    public async Task<T> ScalarAsync<T>(string sql, object? parameters = null)
    {
        await using var connection = await DataSource.OpenConnectionAsync();
        return (await connection.ExecuteScalarAsync<T>(sql.Replace("{s}", Name, StringComparison.Ordinal), parameters))!;
    }

    public async Task<List<T>> QueryAsync<T>(string sql, object? parameters = null)
    {
        await using var connection = await DataSource.OpenConnectionAsync();
        return (await connection.QueryAsync<T>(sql.Replace("{s}", Name, StringComparison.Ordinal), parameters)).ToList();
    }

    public async Task<int> ExecuteAsync(string sql, object? parameters = null)
    {
        await using var connection = await DataSource.OpenConnectionAsync();
        return await connection.ExecuteAsync(sql.Replace("{s}", Name, StringComparison.Ordinal), parameters);
    }

    public async ValueTask DisposeAsync()
    {
        await using var connection = await DataSource.OpenConnectionAsync();
        await connection.ExecuteAsync($"drop schema if exists {Name} cascade");
    }
}
