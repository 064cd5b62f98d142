using Jobs.Engine.Handlers;

namespace Jobs.Backups;

/// <summary>
/// Backs up the configured database (<c>App:Backups</c>) for the current slot, unless the slot
/// already has its backup. No arguments: what to back up and where is configuration.
/// </summary>
public sealed record BackupArgs : IJobArgs
{
    /// <inheritdoc />
    public static string Kind => "backup.run";
}
