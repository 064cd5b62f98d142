namespace Jobs.Backups;

/// <summary>One backup to write: what, where, under which names, with which tools.</summary>
/// <param name="Source">The database.</param>
/// <param name="Directory">The target directory (must exist and be writable).</param>
/// <param name="FileName">The final file name; its manifest is <c>{FileName}.sha256</c>.</param>
/// <param name="TempName">The temp file pg_dump writes to, in the same directory so the rename is atomic.</param>
/// <param name="PgDump">pg_dump's path.</param>
/// <param name="PgRestore">pg_restore's path.</param>
/// <param name="LockWaitTimeout">pg_dump's --lock-wait-timeout.</param>
internal sealed record BackupPlan(
    BackupSource Source,
    string Directory,
    string FileName,
    string TempName,
    string PgDump,
    string PgRestore,
    TimeSpan LockWaitTimeout)
{
    public string FinalPath => Path.Combine(Directory, FileName);
    public string TempPath => Path.Combine(Directory, TempName);
    public string ManifestPath => FinalPath + ".sha256";
    public string ManifestTempPath => TempPath + ".sha256";

    /// <summary>Every file a run may have left under a temporary name.</summary>
    public static IEnumerable<string> TempFiles(string directory, string tempName) =>
        [Path.Combine(directory, tempName), Path.Combine(directory, tempName) + ".sha256"];
}
