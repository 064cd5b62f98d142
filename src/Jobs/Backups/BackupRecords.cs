namespace Jobs.Backups;

/// <summary>A slot's existing backup.</summary>
internal sealed record ExistingBackup(long Id, string FileName, string Directory, string Sha256, long SizeBytes, string Status);

/// <summary>A run that was left running, and the temp file it may have left.</summary>
internal sealed record StaleBackup(long Id, string Directory, string? TempName);

/// <summary>A backup past retention.</summary>
internal sealed record ExpiringBackup(long Id, string Directory, string FileName);
