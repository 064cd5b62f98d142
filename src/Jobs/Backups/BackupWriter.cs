using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace Jobs.Backups;

/// <summary>
/// Writes one backup: pg_dump -Fc streamed into a temp file beside the final one while its SHA-256
/// is computed, fsync, a manifest (<c>sha256sum</c> format) likewise, <c>pg_restore --list</c> of
/// the temp file, then the manifest and the dump renamed to their final names (the dump last: a
/// dump under its final name always has its manifest) and the directory fsynced. Any failure,
/// cancellation included, kills pg_dump and deletes the temp files before the exception leaves.
/// </summary>
internal static class BackupWriter
{
    public static async Task<WrittenBackup> WriteAsync(BackupPlan plan, CancellationToken cancellationToken)
    {
        try
        {
            string sha256;
            long size;
            await using (var file = CreateTemp(plan))
            {
                await PreflightAsync(plan.Source, cancellationToken);
                sha256 = await DumpAsync(plan, file, cancellationToken);
                // Flush(true) is fsync: the bytes are on disk before the name says they are a backup.
                file.Flush(flushToDisk: true);
                size = file.Length;
            }
            await WriteManifestAsync(plan, sha256, cancellationToken);
            var entries = await VerifyAsync(plan, cancellationToken);
            File.Move(plan.ManifestTempPath, plan.ManifestPath, overwrite: true);
            File.Move(plan.TempPath, plan.FinalPath, overwrite: true);
            DirectorySync.Flush(plan.Directory);
            return new WrittenBackup(size, sha256, entries);
        }
        catch
        {
            DeleteQuietly(BackupPlan.TempFiles(plan.Directory, plan.TempName));
            throw;
        }
    }

    /// <summary>Deletes files, ignoring ones already gone or undeletable (the caller is already failing).</summary>
    public static void DeleteQuietly(IEnumerable<string> paths)
    {
        foreach (var path in paths)
        {
            try
            {
                File.Delete(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Nothing more to do here; the record names the temp file for the next run to remove.
            }
        }
    }

    private static FileStream CreateTemp(BackupPlan plan)
    {
        if (!Directory.Exists(plan.Directory))
        {
            throw new PermanentBackupException($"Backup directory '{plan.Directory}' does not exist (or is not a directory).");
        }
        try
        {
            return new FileStream(plan.TempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024, FileOptions.Asynchronous);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new PermanentBackupException($"Backup directory '{plan.Directory}' is not writable: {e.Message}", e);
        }
    }

    /// <summary>
    /// Connects once before pg_dump, so that what retrying cannot fix (no such database, bad
    /// credentials, no privilege) is told apart by SQLSTATE rather than by pg_dump's text.
    /// </summary>
    private static async Task PreflightAsync(BackupSource source, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = new NpgsqlConnection(source.PreflightConnectionString);
            await connection.OpenAsync(cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.InvalidCatalogName or PostgresErrorCodes.InvalidPassword
            or PostgresErrorCodes.InvalidAuthorizationSpecification or PostgresErrorCodes.InsufficientPrivilege)
        {
            throw new PermanentBackupException($"Cannot back up {source.Name}: {e.SqlState} {e.MessageText}", e);
        }
    }

    private static async Task<string> DumpAsync(BackupPlan plan, FileStream file, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var lockWaitMs = Math.Max(1, (long)plan.LockWaitTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        var result = await ChildProcess.RunAsync(plan.PgDump,
            ["--format=custom", "--no-password", $"--lock-wait-timeout={lockWaitMs}"],
            plan.Source.Environment(),
            async (stdout, ct) =>
            {
                var buffer = ArrayPool<byte>.Shared.Rent(128 * 1024);
                try
                {
                    int read;
                    while ((read = await stdout.ReadAsync(buffer, ct)) > 0)
                    {
                        hash.AppendData(buffer, 0, read);
                        await file.WriteAsync(buffer.AsMemory(0, read), ct);
                    }
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            },
            cancellationToken);
        if (result.ExitCode != 0)
        {
            throw new BackupFailedException($"pg_dump of {plan.Source.Name} exited with code {result.ExitCode}: {plan.Source.Scrub(result.Stderr)}");
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static async Task WriteManifestAsync(BackupPlan plan, string sha256, CancellationToken cancellationToken)
    {
        await using var manifest = new FileStream(plan.ManifestTempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        // sha256sum's format: `sha256sum -c file.dump.sha256` checks it in the directory.
        await manifest.WriteAsync(Encoding.UTF8.GetBytes($"{sha256}  {plan.FileName}\n"), cancellationToken);
        manifest.Flush(flushToDisk: true);
    }

    /// <summary>pg_restore --list reads the whole table of contents; a dump it cannot list fails the run. Returns the entry count.</summary>
    private static async Task<int> VerifyAsync(BackupPlan plan, CancellationToken cancellationToken)
    {
        var entries = 0;
        var result = await ChildProcess.RunAsync(plan.PgRestore, ["--list", plan.TempPath], new Dictionary<string, string?>(),
            async (stdout, ct) =>
            {
                using var reader = new StreamReader(stdout);
                while (await reader.ReadLineAsync(ct) is { } line)
                {
                    if (line.Length > 0 && line[0] != ';')
                    {
                        entries++;
                    }
                }
            },
            cancellationToken);
        if (result.ExitCode != 0 || entries == 0)
        {
            throw new BackupFailedException(
                $"pg_restore --list rejected the dump of {plan.Source.Name} (exit code {result.ExitCode}, {entries} entries): {plan.Source.Scrub(result.Stderr)}");
        }
        return entries;
    }
}

/// <summary>A backup on disk: its size, SHA-256 and the entries pg_restore listed.</summary>
internal sealed record WrittenBackup(long SizeBytes, string Sha256, int Entries);
