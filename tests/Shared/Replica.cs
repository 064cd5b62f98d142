using Dapper;
using Npgsql;

namespace Jobs.Testing;

/// <summary>
/// A real streaming replica (hot standby) of the tests' PostgreSQL, copied with pg_basebackup and started by
/// <c>scripts/pg.sh replica</c> on a free port; stopped and removed when disposed.
/// </summary>
public sealed class Replica : IAsyncDisposable
{
    private readonly string _directory;
    private readonly NpgsqlDataSource _dataSource;

    private Replica(string directory, string connectionString)
    {
        _directory = directory;
        ConnectionString = connectionString;
        _dataSource = NpgsqlDataSource.Create(connectionString);
    }

    /// <summary>The tests' connection string with the replica's port.</summary>
    public string ConnectionString { get; }

    public static async Task<Replica> StartAsync()
    {
        var primary = new NpgsqlConnectionStringBuilder(TestDatabase.ConnectionString);
        var directory = Path.Combine(Path.GetTempPath(), "jobs-replica-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(directory);
        var port = Scripts.FreePort();
        await Scripts.RunAsync("pg.sh", "replica", directory, port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            primary.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return new Replica(directory, new NpgsqlConnectionStringBuilder(TestDatabase.ConnectionString) { Host = "127.0.0.1", Port = port }.ConnectionString);
    }

    /// <summary>Waits until the replica has replayed everything the primary had written when called.</summary>
    public async Task CatchUpAsync()
    {
        await using var primary = await TestDatabase.DataSource.OpenConnectionAsync();
        var lsn = await primary.ExecuteScalarAsync<string>("select pg_current_wal_lsn()::text");
        await Eventually.TrueAsync(async () =>
        {
            await using var replica = await _dataSource.OpenConnectionAsync();
            return await replica.ExecuteScalarAsync<bool>("select pg_last_wal_replay_lsn() >= @lsn::pg_lsn", new { lsn });
        }, "the replica to replay the primary's writes", TimeSpan.FromSeconds(30));
    }

    /// <summary>Stops applying the primary's changes (they still arrive): the replica stays as it is now.</summary>
    public async Task PauseReplayAsync()
    {
        await using var replica = await _dataSource.OpenConnectionAsync();
        await replica.ExecuteAsync("select pg_wal_replay_pause()");
        await Eventually.TrueAsync(async () =>
        {
            await using var check = await _dataSource.OpenConnectionAsync();
            return await check.ExecuteScalarAsync<string>("select pg_get_wal_replay_pause_state()") == "paused";
        }, "replay to pause", TimeSpan.FromSeconds(30));
    }

    public async Task ResumeReplayAsync()
    {
        await using var replica = await _dataSource.OpenConnectionAsync();
        await replica.ExecuteAsync("select pg_wal_replay_resume()");
    }

    public async ValueTask DisposeAsync()
    {
        await _dataSource.DisposeAsync();
        await Scripts.RunAsync("pg.sh", "stop", _directory);
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
