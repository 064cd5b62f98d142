namespace Jobs.Backups;

/// <summary>Finds pg_dump and pg_restore: the configured path, else PATH, else the newest /usr/lib/postgresql/*/bin.</summary>
internal static class PgTools
{
    private const string DebianRoot = "/usr/lib/postgresql";

    /// <summary>The tool's path, or null when it is nowhere to be found.</summary>
    public static string? Resolve(string tool, string? configured)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return File.Exists(configured) ? Path.GetFullPath(configured) : null;
        }
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var directory in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, tool);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        if (Directory.Exists(DebianRoot))
        {
            var newest = Directory.GetDirectories(DebianRoot)
                .Select(d => (Dir: d, Version: decimal.TryParse(Path.GetFileName(d), System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : -1))
                .OrderByDescending(d => d.Version)
                .Select(d => Path.Combine(d.Dir, "bin", tool))
                .FirstOrDefault(File.Exists);
            if (newest is not null)
            {
                return newest;
            }
        }
        return null;
    }
}
