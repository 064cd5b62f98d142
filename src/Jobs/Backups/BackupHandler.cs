using Jobs.Engine.Handlers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Jobs.Backups;

/// <summary>
/// Runs <c>backup.run</c>: one backup per slot of the configured database. Under the backup lock
/// it cleans up after runs whose worker died, returns at once if the slot already has its backup,
/// otherwise records a running backup, writes it (<see cref="BackupWriter"/>), records the outcome
/// and applies retention. Every failure is recorded on the run's row and leaves no file behind;
/// what retrying cannot fix (directory missing or unwritable, no pg_dump, unknown database, bad
/// credentials) is dead at once with the reason.
/// </summary>
internal sealed partial class BackupHandler(
    BackupStore store,
    IOptionsMonitor<BackupOptions> options,
    IConfiguration configuration,
    AppMetrics metrics,
    [FromKeyedServices(BackupRegistration.ClockKey)] TimeProvider clock,
    ILogger<BackupHandler> logger) : IJobHandler<BackupArgs>
{
    /// <summary>How long to wait before trying again when another backup holds the lock.</summary>
    private static readonly TimeSpan BusyDelay = TimeSpan.FromSeconds(15);

    /// <summary>The bound on writing a run's outcome once the job's token may have fired.</summary>
    private static readonly TimeSpan RecordTimeout = TimeSpan.FromSeconds(10);

    public async Task ExecuteAsync(JobContext<BackupArgs> job, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        var source = ResolveSource(settings);
        var directory = string.IsNullOrWhiteSpace(settings.TargetDirectory)
            ? throw new PermanentJobFailureException($"{BackupOptions.SectionName}:TargetDirectory is not set: there is nowhere to write the backup.")
            : Path.GetFullPath(settings.TargetDirectory);

        var connection = await store.TryLockAsync(cancellationToken);
        if (connection is null)
        {
            LogBusy(logger, source.Name, BusyDelay);
            throw new SnoozeJobException(BusyDelay);
        }
        try
        {
            await CleanUpAbandonedAsync(connection, cancellationToken);
            var slot = BackupSlot.StartOf(clock.GetUtcNow(), settings.SlotLength);
            if (await store.ExistingAsync(connection, source.Name, slot, cancellationToken) is { } existing)
            {
                LogAlreadyDone(logger, source.Name, slot, Path.Combine(existing.Directory, existing.FileName), existing.Status);
                metrics.BackupRun("already_done", null, null);
                await ApplyRetentionAsync(connection, source, settings.KeepLast, cancellationToken);
                return;
            }
            await BackUpAsync(connection, job, source, slot, directory, settings, cancellationToken);
            await ApplyRetentionAsync(connection, source, settings.KeepLast, cancellationToken);
        }
        finally
        {
            await store.UnlockAsync(connection);
        }
    }

    private async Task BackUpAsync(NpgsqlConnection connection, JobContext<BackupArgs> job, BackupSource source, DateTimeOffset slot,
        string directory, BackupOptions settings, CancellationToken cancellationToken)
    {
        var fileName = $"{source.FileStem}-{BackupSlot.Label(slot)}.dump";
        var tempName = $".{fileName}.{Guid.NewGuid():N}.tmp";
        var id = await store.StartAsync(connection, source.Name, slot, directory, fileName, tempName, job.Id, job.Attempt, cancellationToken);
        LogStarted(logger, source.Name, slot, Path.Combine(directory, fileName));
        var started = clock.GetTimestamp();

        using var dumpTimeout = new CancellationTokenSource(settings.DumpTimeout);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, dumpTimeout.Token);
        try
        {
            var plan = new BackupPlan(source, directory, fileName, tempName,
                Tool("pg_dump", settings.PgDumpPath), Tool("pg_restore", settings.PgRestorePath), settings.LockWaitTimeout);
            var written = await BackupWriter.WriteAsync(plan, linked.Token);
            // The files are in place: recording them is the commit, not to be cut short by the job's token.
            using var recording = new CancellationTokenSource(RecordTimeout);
            await store.SucceedAsync(connection, id, written, Elapsed(started), recording.Token);
            LogSucceeded(logger, source.Name, slot, plan.FinalPath, written.SizeBytes, written.Sha256, written.Entries, Elapsed(started));
            metrics.BackupRun("succeeded", clock.GetElapsedTime(started), written.SizeBytes);
        }
        catch (Exception e)
        {
            var (error, rethrow) = Classify(e, settings, dumpTimeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested);
            LogFailed(logger, source.Name, slot, error);
            metrics.BackupRun("failed", clock.GetElapsedTime(started), null);
            // The job's token may have fired: the record is written regardless, within a bound of its own.
            using var recording = new CancellationTokenSource(RecordTimeout);
            await store.FailAsync(connection, id, error, Elapsed(started), recording.Token);
            if (rethrow is null)
            {
                throw;
            }
            throw rethrow;
        }
    }

    /// <summary>The error to record, and the exception to fail the attempt with (null: the original).</summary>
    private static (string Error, Exception? Rethrow) Classify(Exception e, BackupOptions settings, bool dumpTimedOut) => e switch
    {
        PermanentBackupException => (e.Message, new PermanentJobFailureException(e.Message, e)),
        OperationCanceledException when dumpTimedOut =>
            ($"pg_dump and its verification did not finish within {settings.DumpTimeout}; pg_dump was killed",
             new TimeoutException($"pg_dump and its verification did not finish within {settings.DumpTimeout}.", e)),
        OperationCanceledException => ("cancelled (job timeout, cancellation or shutdown); pg_dump was killed", null),
        _ => (e.Message, null),
    };

    private async Task CleanUpAbandonedAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        foreach (var stale in await store.AbandonStaleAsync(connection, cancellationToken))
        {
            if (stale.TempName is not null)
            {
                BackupWriter.DeleteQuietly(BackupPlan.TempFiles(stale.Directory, stale.TempName));
            }
            LogAbandoned(logger, stale.Id, stale.TempName);
        }
    }

    /// <summary>Keeps the newest <paramref name="keepLast"/> succeeded backups; deletes the files of older ones, then marks them expired.</summary>
    private async Task ApplyRetentionAsync(NpgsqlConnection connection, BackupSource source, int keepLast, CancellationToken cancellationToken)
    {
        var expired = new List<long>();
        foreach (var old in await store.ExpiringAsync(connection, source.Name, keepLast, cancellationToken))
        {
            var path = Path.Combine(old.Directory, old.FileName);
            try
            {
                // The dump first: a manifest without its dump is harmless, a dump without its manifest is unverifiable.
                File.Delete(path);
                File.Delete(path + ".sha256");
                expired.Add(old.Id);
                LogExpired(logger, source.Name, path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Left succeeded: the next run tries again.
                LogExpireFailed(logger, path, e.Message);
            }
        }
        if (expired.Count > 0)
        {
            await store.ExpireAsync(connection, expired, cancellationToken);
        }
    }

    private BackupSource ResolveSource(BackupOptions settings)
    {
        var connectionString = string.IsNullOrWhiteSpace(settings.ConnectionString)
            ? configuration.GetConnectionString("Jobs")
            : settings.ConnectionString;
        try
        {
            return new BackupSource(connectionString ?? "");
        }
        catch (ArgumentException e)
        {
            // The message of a connection string parse error may quote it: never pass it on.
            throw new PermanentJobFailureException(
                $"{BackupOptions.SectionName}:ConnectionString (or ConnectionStrings:Jobs) is not a usable connection string ({e.GetType().Name}).");
        }
    }

    private static string Tool(string name, string? configured) =>
        PgTools.Resolve(name, configured) ?? throw new PermanentBackupException(configured is null
            ? $"{name} was found neither on PATH nor in /usr/lib/postgresql/*/bin; install the PostgreSQL client or set {BackupOptions.SectionName}:{(name == "pg_dump" ? "PgDumpPath" : "PgRestorePath")}."
            : $"{name} is not at '{configured}' ({BackupOptions.SectionName}).");

    private double Elapsed(long started) => Math.Round(clock.GetElapsedTime(started).TotalMilliseconds, 3);

    [LoggerMessage(EventId = 3401, Level = LogLevel.Information, Message = "Backup of {Source} for slot {Slot:o} started: {Path}")]
    private static partial void LogStarted(ILogger logger, string source, DateTimeOffset slot, string path);

    [LoggerMessage(EventId = 3402, Level = LogLevel.Information, Message = "Backup of {Source} for slot {Slot:o} already exists ({Status}): {Path}; nothing to do")]
    private static partial void LogAlreadyDone(ILogger logger, string source, DateTimeOffset slot, string path, string status);

    [LoggerMessage(EventId = 3403, Level = LogLevel.Information, Message = "Backup of {Source} for slot {Slot:o} written: {Path}, {SizeBytes} bytes, sha256 {Sha256}, {Entries} entries, {DurationMs:0} ms")]
    private static partial void LogSucceeded(ILogger logger, string source, DateTimeOffset slot, string path, long sizeBytes, string sha256, int entries, double durationMs);

    [LoggerMessage(EventId = 3404, Level = LogLevel.Warning, Message = "Backup of {Source} for slot {Slot:o} failed: {Error}")]
    private static partial void LogFailed(ILogger logger, string source, DateTimeOffset slot, string error);

    [LoggerMessage(EventId = 3405, Level = LogLevel.Warning, Message = "Backup {BackupId} was left running by a worker that stopped; marked failed, temp file {TempName} removed")]
    private static partial void LogAbandoned(ILogger logger, long backupId, string? tempName);

    [LoggerMessage(EventId = 3406, Level = LogLevel.Information, Message = "Backup of {Source} past retention deleted: {Path}")]
    private static partial void LogExpired(ILogger logger, string source, string path);

    [LoggerMessage(EventId = 3407, Level = LogLevel.Warning, Message = "Backup {Path} is past retention but could not be deleted: {Error}; trying again next run")]
    private static partial void LogExpireFailed(ILogger logger, string path, string error);

    [LoggerMessage(EventId = 3408, Level = LogLevel.Information, Message = "Another backup is running; the backup of {Source} snoozes for {Delay}")]
    private static partial void LogBusy(ILogger logger, string source, TimeSpan delay);
}
