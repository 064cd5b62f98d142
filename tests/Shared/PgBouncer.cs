using System.Diagnostics;
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
        var port = FreePort();
        await RunAsync("start", directory, port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            direct.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), mode, poolSize.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var pooled = new NpgsqlConnectionStringBuilder(TestDatabase.ConnectionString) { Host = "127.0.0.1", Port = port };
        return new PgBouncer(directory, port, pooled.ConnectionString);
    }

    public async ValueTask DisposeAsync()
    {
        await RunAsync("stop", _directory);
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

    private static async Task RunAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo(Path.Combine(Repository.Root, "scripts", "pgbouncer.sh"), arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"scripts/pgbouncer.sh {string.Join(' ', arguments)} failed ({process.ExitCode}; .ci/run installs pgbouncer): {await output}{await error}");
        }
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
