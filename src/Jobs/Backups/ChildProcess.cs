using System.Diagnostics;
using System.Text;

namespace Jobs.Backups;

/// <summary>
/// Runs a child process without a shell: arguments as a list, its own environment, stdout handed
/// to the caller as a stream, stderr kept (bounded) for the error message. If the caller's token
/// fires or reading stdout fails, the child is killed (with anything it started) and reaped before
/// the exception leaves: a cancelled backup never leaves pg_dump running.
/// </summary>
internal static class ChildProcess
{
    private const int MaxStderrChars = 8_000;

    public static async Task<ChildResult> RunAsync(string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string?> environment,
        Func<Stream, CancellationToken, Task> readStdout, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(fileName)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var (name, value) in environment)
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{fileName} did not start.");
        // Nothing to say to it; a prompt (there should be none: --no-password) reads end of file.
        process.StandardInput.Close();
        var stderr = ReadBoundedAsync(process.StandardError);
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            await readStdout(process.StandardOutput.BaseStream, cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
        }
        catch
        {
            Kill(process);
            throw;
        }
        return new ChildResult(process.ExitCode, (await stderr).Trim());
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It had already exited.
        }
        // Reap it, bounded: SIGKILL cannot be ignored, so this is quick.
        process.WaitForExit(TimeSpan.FromSeconds(10));
    }

    private static async Task<string> ReadBoundedAsync(StreamReader reader)
    {
        var text = new StringBuilder();
        var buffer = new char[1024];
        int read;
        while ((read = await reader.ReadAsync(buffer)) > 0)
        {
            // Keep the head (pg_dump's first error says what went wrong) and drain the rest.
            if (text.Length < MaxStderrChars)
            {
                text.Append(buffer, 0, Math.Min(read, MaxStderrChars - text.Length));
            }
        }
        return text.ToString();
    }
}

/// <summary>How a child process ended.</summary>
internal sealed record ChildResult(int ExitCode, string Stderr);
