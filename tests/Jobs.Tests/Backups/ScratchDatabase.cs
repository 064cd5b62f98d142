using Dapper;
using Jobs.Testing;
using Npgsql;

namespace Jobs.Tests.Backups;

/// <summary>
/// A small database of its own for one backup test (a table with rows), so that no dump races
/// other tests creating and dropping schemas in the shared test database. Dropped when disposed.
/// </summary>
internal sealed class ScratchDatabase : IAsyncDisposable
{
    private ScratchDatabase(string name) => Name = name;

    public string Name { get; }

    /// <summary>The connection string of the scratch database, with <paramref name="password"/> if given.</summary>
    public string ConnectionString(string? password = null) =>
        new NpgsqlConnectionStringBuilder(TestDatabase.ConnectionString) { Database = Name, Password = password }.ConnectionString;

    public static async Task<ScratchDatabase> CreateAsync()
    {
        var database = new ScratchDatabase("bk_" + Guid.NewGuid().ToString("N")[..12]);
        await using (var admin = await TestDatabase.DataSource.OpenConnectionAsync())
        {
            await admin.ExecuteAsync($"create database {database.Name}");
        }
        await using var connection = await database.OpenAsync();
        await connection.ExecuteAsync("""
            create table widget (id integer primary key, name text not null);
            insert into widget select i, 'widget ' || i from generate_series(1, 500) i;
            """);
        return database;
    }

    public async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(ConnectionString());
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>
    /// Holds an ACCESS EXCLUSIVE lock on <c>widget</c> until disposed: pg_dump, which needs an
    /// ACCESS SHARE lock on every table, waits behind it.
    /// </summary>
    public async Task<IAsyncDisposable> LockWidgetAsync()
    {
        var connection = await OpenAsync();
        var transaction = await connection.BeginTransactionAsync();
        await connection.ExecuteAsync("lock table widget in access exclusive mode", transaction: transaction);
        return new Lock(connection, transaction);
    }

    /// <summary>Waits until a backup's pg_dump session waits for a lock in this database.</summary>
    public Task WaitForBlockedDumpAsync() => Eventually.TrueAsync(async () =>
    {
        await using var admin = await TestDatabase.DataSource.OpenConnectionAsync();
        return await admin.ExecuteScalarAsync<bool>(
            "select exists (select 1 from pg_stat_activity where datname = @Name and application_name = 'jobs-backup' and wait_event_type = 'Lock')",
            new { Name });
    }, "pg_dump to wait for the lock on widget");

    public async ValueTask DisposeAsync()
    {
        await using var admin = await TestDatabase.DataSource.OpenConnectionAsync();
        await admin.ExecuteAsync($"drop database if exists {Name} with (force)");
    }

    private sealed class Lock(NpgsqlConnection connection, NpgsqlTransaction transaction) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await transaction.RollbackAsync();
            await connection.DisposeAsync();
        }
    }
}
