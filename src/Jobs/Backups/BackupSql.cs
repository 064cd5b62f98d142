namespace Jobs.Backups;

/// <summary>The statements of <c>backup.run</c>, for one business schema (see 0005_backups.sql).</summary>
internal sealed class BackupSql(string schema)
{
    /// <summary>
    /// The session lock one backup holds while it runs (one at a time per business schema), taken
    /// without waiting: a second run snoozes instead of queueing behind a long dump.
    /// </summary>
    public string TryLock { get; } = "select pg_try_advisory_lock(hashtext(@Key))";

    public string Unlock { get; } = "select pg_advisory_unlock(hashtext(@Key))";

    /// <summary>
    /// Under the lock, a row still running belongs to a run whose worker died (crash, kill -9):
    /// fail it and hand back its temp file name for removal.
    /// </summary>
    public string AbandonStale { get; } = $"""
        with stale as (
            select id, directory, temp_name from {schema}.backup where status = 'running' for update)
        update {schema}.backup b
        set status = 'failed', finished_at = now(), temp_name = null,
            error = 'abandoned: the worker running it stopped before it finished'
        from stale
        where b.id = stale.id
        returning stale.id as Id, stale.directory as Directory, stale.temp_name as TempName
        """;

    /// <summary>The slot's backup, if it has one (succeeded, or since expired by retention).</summary>
    public string Existing { get; } = $"""
        select id as Id, file_name as FileName, directory as Directory, sha256 as Sha256, size_bytes as SizeBytes, status as Status
        from {schema}.backup
        where source = @Source and slot = @Slot and status in ('succeeded', 'expired')
        """;

    public string Start { get; } = $"""
        insert into {schema}.backup (source, slot, directory, file_name, temp_name, job_id, attempt)
        values (@Source, @Slot, @Directory, @FileName, @TempName, @JobId, @Attempt)
        returning id
        """;

    public string Succeed { get; } = $"""
        update {schema}.backup
        set status = 'succeeded', finished_at = now(), temp_name = null, size_bytes = @SizeBytes, sha256 = @Sha256, duration_ms = @DurationMs
        where id = @Id
        """;

    public string Fail { get; } = $"""
        update {schema}.backup
        set status = 'failed', finished_at = now(), temp_name = null, duration_ms = @DurationMs, error = @Error
        where id = @Id and status = 'running'
        """;

    /// <summary>The source's succeeded backups past the newest <c>KeepLast</c>.</summary>
    public string Expiring { get; } = $"""
        select id as Id, directory as Directory, file_name as FileName
        from {schema}.backup
        where source = @Source and status = 'succeeded'
        order by slot desc
        offset @KeepLast
        """;

    public string Expire { get; } = $"""
        update {schema}.backup set status = 'expired', deleted_at = now() where id = any(@Ids) and status = 'succeeded'
        """;
}
