using Jobs.Engine;
using Jobs.Engine.Handlers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Jobs.Backups;

/// <summary>Registers <c>backup.run</c>.</summary>
public static class BackupRegistration
{
    /// <summary>
    /// The key of the clock that decides a backup's slot: the engine's <see cref="TimeProvider"/>
    /// unless a test registers its own under this key (moving it moves the slot, not the engine).
    /// </summary>
    public const string ClockKey = "backups";

    /// <summary>
    /// Adds the backup job: options from <c>App:Backups</c> and its handler. One backup at a time
    /// across all servers; 3 attempts with backoff from 1 minute; 2 hours per attempt (above
    /// <see cref="BackupOptions.DumpTimeout"/>, so pg_dump's own bound fires first).
    /// </summary>
    public static JobsBuilder AddBackups(this JobsBuilder jobs)
    {
        var services = jobs.Services;
        services.AddSettings<BackupOptions>(BackupOptions.SectionName);
        services.TryAddSingleton<BackupStore>();
        services.TryAddKeyedSingleton<TimeProvider>(ClockKey, (sp, _) => sp.GetRequiredService<TimeProvider>());
        return jobs.AddHandler<BackupHandler, BackupArgs>(kind =>
        {
            kind.Timeout = TimeSpan.FromHours(2);
            kind.SlowThreshold = TimeSpan.FromMinutes(30);
            kind.MaxAttempts = 3;
            kind.Retry = new RetryOptions { BaseDelay = TimeSpan.FromMinutes(1), MaxDelay = TimeSpan.FromMinutes(30) };
            kind.GlobalLimit = 1;
        });
    }
}
