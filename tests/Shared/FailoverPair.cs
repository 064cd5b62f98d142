using Dapper;
using Npgsql;

namespace Jobs.Testing;

/// <summary>
/// A PostgreSQL primary of its own and a streaming replica of it (scripts/pg.sh start and replica), with
/// synchronous replication so that every acknowledged commit is on the replica; the primary can be crashed
/// (stopped in immediate mode) and the replica promoted. Both are removed when disposed.
/// </summary>
public sealed class FailoverPair : IAsyncDisposable
{
    private const string Database = "jobs_failover";
    private readonly string _directory;

    private FailoverPair(string directory, int primaryPort, int replicaPort)
    {
        _directory = directory;
        PrimaryPort = primaryPort;
        ReplicaPort = replicaPort;
    }

    public int PrimaryPort { get; }

    public int ReplicaPort { get; }

    /// <summary>Both hosts, the primary wanted: what a client that must follow a promotion uses.</summary>
    public string ConnectionString =>
        $"Host=127.0.0.1:{PrimaryPort},127.0.0.1:{ReplicaPort};Username=postgres;Database={Database};Target Session Attributes=primary;Host Recheck Seconds=1";

    /// <summary>The replica alone (the primary once promoted).</summary>
    public string ReplicaConnectionString => $"Host=127.0.0.1;Port={ReplicaPort};Username=postgres;Database={Database}";

    public static async Task<FailoverPair> StartAsync()
    {
        // Not CreateTempSubdirectory (mode 700): the servers run as the postgres user when the tests run as root.
        var directory = Path.Combine(Path.GetTempPath(), "jobs-failover-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(directory);
        var pair = new FailoverPair(directory, Scripts.FreePort(), Scripts.FreePort());
        await Scripts.RunAsync("pg.sh", "start", Path.Combine(directory, "primary"), Port(pair.PrimaryPort), Database);
        await Scripts.RunAsync("pg.sh", "replica", Path.Combine(directory, "replica"), Port(pair.ReplicaPort), Port(pair.PrimaryPort));
        // Set after the copy, so the replica (once promoted) does not wait for a standby of its own.
        await using var primary = new NpgsqlConnection($"Host=127.0.0.1;Port={pair.PrimaryPort};Username=postgres;Database=postgres");
        await primary.OpenAsync();
        await primary.ExecuteAsync("alter system set synchronous_standby_names = '*'");
        await primary.ExecuteAsync("select pg_reload_conf()");
        return pair;
    }

    /// <summary>Stops the primary in immediate mode (no checkpoint, sessions cut: a crash) and promotes the replica.</summary>
    public async Task FailOverAsync()
    {
        await Scripts.RunAsync("pg.sh", "stop", Path.Combine(_directory, "primary"), "immediate");
        await Scripts.RunAsync("pg.sh", "promote", Path.Combine(_directory, "replica"));
    }

    public async ValueTask DisposeAsync()
    {
        await Scripts.RunAsync("pg.sh", "stop", Path.Combine(_directory, "primary"), "immediate");
        await Scripts.RunAsync("pg.sh", "stop", Path.Combine(_directory, "replica"), "immediate");
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

    private static string Port(int port) => port.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
