namespace Jobs.Backups;

/// <summary>A backup that cannot succeed however often it is retried: a missing or unwritable directory, no pg_dump, an unknown database.</summary>
internal sealed class PermanentBackupException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>pg_dump or pg_restore failed; another attempt may fare better (a lock held too long, a restart).</summary>
internal sealed class BackupFailedException(string message) : Exception(message);
