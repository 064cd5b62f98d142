using System.Runtime.InteropServices;

namespace Jobs.Backups;

/// <summary>
/// fsync of a directory, so that renames in it survive a power loss (fsync of the file covers its
/// bytes, not its name). .NET cannot open a directory as a file, hence libc. Best effort: where it
/// is not available the rename is still atomic, only not yet durable.
/// </summary>
internal static class DirectorySync
{
    public static void Flush(string directory)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        var fd = Open(directory, 0 /* O_RDONLY */);
        if (fd < 0)
        {
            return;
        }
        try
        {
            _ = Fsync(fd);
        }
        finally
        {
            _ = Close(fd);
        }
    }

    // DllImport rather than LibraryImport: the latter's generated marshalling needs unsafe code,
    // which this project does not otherwise allow.
    [DllImport("libc", EntryPoint = "open")]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "fsync")]
    private static extern int Fsync(int fd);

    [DllImport("libc", EntryPoint = "close")]
    private static extern int Close(int fd);
}
