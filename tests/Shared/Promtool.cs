using System.Diagnostics;

namespace Jobs.Testing;

/// <summary>Prometheus's own linter, <c>promtool check metrics</c> (Debian package <c>prometheus</c>; .ci/run installs it).</summary>
public static class Promtool
{
    /// <summary>Checks metrics text; returns promtool's exit code and what it said.</summary>
    public static Task<(int ExitCode, string Output)> CheckMetricsAsync(string text) => RunAsync(["check", "metrics"], text);

    /// <summary>Checks a file of alerting and recording rules; returns promtool's exit code and what it said.</summary>
    public static Task<(int ExitCode, string Output)> CheckRulesAsync(string path) => RunAsync(["check", "rules", path], "");

    private static async Task<(int ExitCode, string Output)> RunAsync(string[] arguments, string input)
    {
        var start = new ProcessStartInfo("promtool", arguments)
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
            await process.StandardInput.WriteAsync(input);
            process.StandardInput.Close();
            var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            return (process.ExitCode, output);
        }
    }
}
