using System.Diagnostics;

namespace Jobs.Testing;

/// <summary>Runs the repository's scripts/ for the tests.</summary>
internal static class Scripts
{
    public static async Task RunAsync(string script, params string[] arguments)
    {
        var start = new ProcessStartInfo(Path.Combine(Repository.Root, "scripts", script), arguments)
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
                $"scripts/{script} {string.Join(' ', arguments)} failed ({process.ExitCode}; .ci/run installs what the scripts need): {await output}{await error}");
        }
    }

    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
