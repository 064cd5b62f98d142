using System.ComponentModel.DataAnnotations;

namespace Jobs.Backups;

/// <summary>What <c>backup.run</c> dumps, where to, and how long it may take. Bound from <c>App:Backups</c>.</summary>
public sealed class BackupOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "App:Backups";

    /// <summary>
    /// The database to back up, as an Npgsql connection string. Its password goes to pg_dump in
    /// the child's <c>PGPASSWORD</c>, never on its command line. The default value is the jobs
    /// database (<c>ConnectionStrings:Jobs</c>).
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// The existing, writable directory the backups go to. The job does not create it: a missing
    /// directory is a misconfiguration (a mount that is not there), not something to paper over.
    /// The default value is none; a run without it is dead with the reason.
    /// </summary>
    public string? TargetDirectory { get; set; }

    /// <summary>How many succeeded backups of the database to keep; older ones are deleted. The default value is 7.</summary>
    [Range(1, 100_000)]
    public int KeepLast { get; set; } = 7;

    /// <summary>
    /// The length of a slot: one backup per slot however often the job runs. Slots are aligned to
    /// the Unix epoch in UTC (daily slots start at 00:00 UTC). The default value is 1 day.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "366.00:00:00")]
    public TimeSpan SlotLength { get; set; } = TimeSpan.FromDays(1);

    /// <summary>pg_dump's path. The default value is pg_dump from PATH, else the newest /usr/lib/postgresql/*/bin.</summary>
    public string? PgDumpPath { get; set; }

    /// <summary>pg_restore's path (to verify dumps). The default value is found as <see cref="PgDumpPath"/> is.</summary>
    public string? PgRestorePath { get; set; }

    /// <summary>
    /// pg_dump's <c>--lock-wait-timeout</c>: how long it waits for a table lock before failing,
    /// instead of hanging behind a long-held lock. The default value is 1 minute.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan LockWaitTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The most pg_dump and the verification may take together; past it pg_dump is killed, its
    /// temp file removed and the attempt fails. Keep it below the kind's timeout (2 hours). The
    /// default value is 1 hour.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan DumpTimeout { get; set; } = TimeSpan.FromHours(1);
}
