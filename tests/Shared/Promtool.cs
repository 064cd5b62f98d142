using System.Diagnostics;

namespace Jobs.Testing;

/// <summary>Prometheus's own linter, <c>promtool check metrics</c> (Debian package <c>prometheus</c>; .ci/run installs it).</summary>
public static class Promtool
{
    /// <summary>Checks metrics text; returns promtool's exit code and what it said.</summary>
    public static async Task<(int ExitCode, string Output)> CheckMetricsAsync(string text)
    {
        var start = new ProcessStartInfo("promtool", ["check", "metrics"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"promtool is not installed (Debian package 'prometheus'; .ci/run installs it): {e.Message}", e);
        }
        using (process)
        {
            await process.StandardInput.WriteAsync(text);
            process.StandardInput.Close();
            var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            return (process.ExitCode, output);
        }
    }
}
