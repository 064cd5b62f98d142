namespace Jobs.Tests.Backups;

/// <summary>What /proc says about running pg_dump processes: their command lines and environments.</summary>
internal static class ChildProcesses
{
    /// <summary>pg_dump processes whose environment names <paramref name="database"/> (PGDATABASE).</summary>
    public static List<ProcessView> PgDumpsOf(string database)
    {
        var found = new List<ProcessView>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }
            try
            {
                if (File.ReadAllText(Path.Combine(dir, "comm")).Trim() != "pg_dump")
                {
                    continue;
                }
                var environment = File.ReadAllText(Path.Combine(dir, "environ")).Split('\0');
                if (environment.Contains($"PGDATABASE={database}"))
                {
                    var commandLine = File.ReadAllText(Path.Combine(dir, "cmdline")).Split('\0', StringSplitOptions.RemoveEmptyEntries);
                    found.Add(new ProcessView(pid, commandLine, environment));
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The process ended while we looked.
            }
        }
        return found;
    }
}

internal sealed record ProcessView(int Pid, string[] CommandLine, string[] Environment);
