using System.Diagnostics;

namespace Jobs.Tests.Backups;

/// <summary>A fresh temp directory for one test's backups, deleted when disposed.</summary>
internal sealed class BackupDirectory : IDisposable
{
    private bool _immutable;

    public BackupDirectory() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "jobs-backups-" + Guid.NewGuid().ToString("N")[..12]);

    /// <summary>Every file in it, dot-files (temp files) included, by name.</summary>
    public string[] Files => Directory.GetFiles(Path).Select(System.IO.Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;

    /// <summary>
    /// Makes the directory unwritable: mode 0555, and where that does not stop the user (root
    /// ignores modes) the immutable attribute. Fails the test if it still accepts a file.
    /// </summary>
    public void MakeUnwritable()
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("These tests run where pg_dump does: on Linux.");
        }
        File.SetUnixFileMode(Path, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute
            | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        if (CanWrite())
        {
            Run("chattr", "+i", Path);
            _immutable = true;
        }
        Assert.False(CanWrite(), $"could not make {Path} unwritable for this user");
    }

    public void Dispose()
    {
        if (_immutable)
        {
            Run("chattr", "-i", Path);
        }
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        Directory.Delete(Path, recursive: true);
    }

    private bool CanWrite()
    {
        var probe = System.IO.Path.Combine(Path, ".probe");
        try
        {
            File.WriteAllText(probe, "x");
            File.Delete(probe);
            return true;
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            return false;
        }
    }

    private static void Run(string command, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(command, args) { RedirectStandardError = true })!;
        process.WaitForExit();
    }
}
