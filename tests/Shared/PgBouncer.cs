using Npgsql;

namespace Jobs.Testing;

/// <summary>
/// A real PgBouncer (Debian's package; .ci/run installs it) in front of the tests' PostgreSQL, started by
/// <c>scripts/pgbouncer.sh</c> on a free port and stopped when disposed.
/// </summary>
public sealed class PgBouncer : IAsyncDisposable
{
    private readonly string _directory;

    private PgBouncer(string directory, int port, string connectionString)
    {
        _directory = directory;
        Port = port;
        ConnectionString = connectionString;
    }

    public int Port { get; }

    /// <summary>The tests' connection string with host and port replaced by the pooler's.</summary>
    public string ConnectionString { get; }

    /// <summary>Starts one in <paramref name="mode"/> with at most <paramref name="poolSize"/> server connections per database.</summary>
    public static async Task<PgBouncer> StartAsync(string mode = "transaction", int poolSize = 4)
    {
        var direct = new NpgsqlConnectionStringBuilder(TestDatabase.ConnectionString);
        var directory = Path.Combine(Path.GetTempPath(), "jobs-pgbouncer-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(directory);
        var port = Scripts.FreePort();
        await Scripts.RunAsync("pgbouncer.sh", "start", directory, port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            direct.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), mode, poolSize.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var pooled = new NpgsqlConnectionStringBuilder(TestDatabase.ConnectionString) { Host = "127.0.0.1", Port = port };
        return new PgBouncer(directory, port, pooled.ConnectionString);
    }

    public async ValueTask DisposeAsync()
    {
        await Scripts.RunAsync("pgbouncer.sh", "stop", _directory);
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
