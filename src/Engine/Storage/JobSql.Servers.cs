namespace Jobs.Engine.Storage;

/// <summary>What job servers write about themselves: registration, heartbeats, queue pauses, kind policies, throughput statistics.</summary>
internal sealed partial class JobSql
{
    public string RegisterServer { get; } = $"""
        insert into {s}.server (id, host, pid, version, queues, workers)
        values (@id, @host, @pid, @version, @queues::jsonb, @workers)
        on conflict (id) do update
           set heartbeat_at = now(), stopping = false, queues = excluded.queues, workers = excluded.workers
        """;

    public string Heartbeat { get; } = $"""
        update {s}.server set heartbeat_at = now(), busy = @busy, stopping = @stopping where id = @id
        """;

    public string RemoveServer { get; } = $"delete from {s}.server where id = @id";

    public string PausedQueues { get; } = $"select name from {s}.queue where paused_at is not null";

    // Writes this server's kind policies. Where a kind gains or loses a limit, its waiting jobs move
    // between the unlimited and the limited claim.
    public string UpsertKinds { get; } = $"""
        with input as (
            select * from unnest(@kinds, @queues, @priorities, @max_attempts, @global_limits, @partition_limits)
                   as u(kind, queue, priority, max_attempts, global_limit, partition_limit)
        ), upserted as (
            insert into {s}.kind as k (kind, queue, priority, max_attempts, global_limit, partition_limit, updated_by)
            select kind, queue, priority, max_attempts, global_limit, partition_limit, @server from input
            on conflict (kind) do update
               set queue = excluded.queue, priority = excluded.priority, max_attempts = excluded.max_attempts,
                   global_limit = excluded.global_limit, partition_limit = excluded.partition_limit,
                   updated_by = excluded.updated_by, updated_at = now()
            returning k.kind, (k.global_limit is not null or k.partition_limit is not null) as limited
        )
        update {s}.job j
           set limited = u.limited
          from upserted u
         where j.kind = u.kind and j.limited <> u.limited
           and j.state in ('available', 'scheduled', 'retrying', 'awaiting')
        """;

    // Pausing a queue stops every server claiming from it; the 'p' notification makes them look now.
    public string PauseQueue { get; } = $"""
        with paused as (
            insert into {s}.queue as q (name, paused_at, paused_by) values (@name, now(), @by)
            on conflict (name) do update set paused_at = coalesce(q.paused_at, now()), paused_by = excluded.paused_by, updated_at = now()
            returning 1
        )
        select count(*) from paused cross join lateral (select pg_notify('{s}_events', 'p')) n
        """;

    public string ResumeQueue { get; } = $"""
        with resumed as (
            update {s}.queue set paused_at = null, paused_by = null, updated_at = now() where name = @name and paused_at is not null
            returning 1
        )
        select count(*) from resumed cross join lateral (select pg_notify('{s}_events', 'p')) n
        """;

    // Throughput counts from the servers, added to what other servers counted for the same minute.
    public string AddStats { get; } = $"""
        insert into {s}.job_stats as t (minute, queue, kind, succeeded, failed, dead, wait_ms, run_ms)
        select u.minute, u.queue, u.kind, u.succeeded, u.failed, u.dead, u.wait::bigint[], u.run::bigint[]
          from unnest(@minutes, @queues, @kinds, @succeeded, @failed, @dead, @waits, @runs) as u(minute, queue, kind, succeeded, failed, dead, wait, run)
        on conflict (minute, queue, kind) do update
           set succeeded = t.succeeded + excluded.succeeded, failed = t.failed + excluded.failed, dead = t.dead + excluded.dead,
               wait_ms = {s}.add_histograms(t.wait_ms, excluded.wait_ms), run_ms = {s}.add_histograms(t.run_ms, excluded.run_ms)
        """;

    public string PruneStats { get; } = $"delete from {s}.job_stats where minute < now() - @age_ms * interval '1 millisecond'";
}
