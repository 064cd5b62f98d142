namespace Jobs.Engine.Storage;

/// <summary>
/// The engine's SQL, by name, for one schema. Every statement the engine runs is here or in a
/// migration (only <see cref="Migrator"/> keeps its own, for the migration table it bootstraps).
/// Built once per process.
/// </summary>
internal sealed class JobSql(string s)
{
    /// <summary>The columns a claim returns, in the order <see cref="ClaimedJob.ReadAllAsync"/> reads them.</summary>
    private const string ClaimedColumns =
        "j.id, j.kind, j.queue, j.priority, j.args, j.attempt, j.max_attempts, j.created_at, j.scheduled_at, " +
        "j.attempted_at, j.timeout_ms, j.tags, j.correlation_id, j.partition_key, j.metadata::text";

    // The client validates before it calls, so it goes straight to the insert (enqueue_many validates
    // the same rules again for SQL callers, at a cost a bulk enqueue notices).
    public string InsertJobs { get; } = $"select ids, created from {s}.insert_jobs(@jobs::jsonb)";

    // Claims unlimited jobs of one queue. The inner select locks the rows it picks and skips rows
    // another claimer holds, so concurrent claims never hand out a job twice; `= any(array(...))`
    // keeps the plan an index probe per job instead of a join over the table. A paused queue yields
    // nothing: once a pause commits, no server claims from the queue.
    public string ClaimAvailable { get; } = $"""
        update {s}.job j
           set state = 'running', attempt = j.attempt + 1, attempted_at = now(), attempted_by = @server, server_id = @server
         where j.id = any (array(
                 select f.id from {s}.job f
                  where f.state = 'available' and not f.limited and f.queue = @queue
                    and not exists (select 1 from {s}.queue p where p.name = @queue and p.paused_at is not null)
                  order by f.priority desc, f.scheduled_at, f.id
                  limit @limit
                    for update skip locked))
        returning {ClaimedColumns}
        """;

    public string ClaimLimited { get; } = $"""
        select {ClaimedColumns}
          from {s}.claim_limited(@queue, @kinds, @limit, @server) j
        """;

    // Completion statements touch one table and reach it only through `id = any(@ids)`: no join
    // the planner could turn around. (Statistics say almost no job is running, since ANALYZE ran
    // before the jobs were claimed; a join would then scan the running jobs once per completed
    // one, seconds for a batch.) A completion is fenced to the claim that started its attempt by
    // the claim's time: a late write from an attempt that was rescued, cancelled or handed back
    // changes nothing. Jobs claimed by one statement share that time, so @claimed_at is short.
    // A finished limited job frees a slot that servers elsewhere may be waiting for: wake its queue.
    public string CompleteSucceeded { get; } = $"""
        with done as (
            update {s}.job j
               set state = 'succeeded', finalized_at = now(), server_id = null
             where j.id = any (@ids) and j.state = 'running' and j.attempted_at = any (@claimed_at)
            returning j.queue, j.limited
        )
        select count(*) from (select distinct queue from done where limited) q
         cross join lateral (select pg_notify('{s}_events', 'q:' || q.queue)) n
        """;

    // Every other outcome: failed (retrying or dead), snoozed, handed back, permanently failed. Each
    // job's values are found by its position in @ids (these batches are small: failures are rare).
    // Jobs made available again wake their queue, and so do finished limited jobs.
    public string CompleteOther { get; } = $"""
        with done as (
            update {s}.job j
               set state = (@states)[array_position(@ids, j.id)],
                   server_id = null,
                   attempt = j.attempt - (@refunds)[array_position(@ids, j.id)],
                   scheduled_at = coalesce(now() + (@delays)[array_position(@ids, j.id)] * interval '1 millisecond', j.scheduled_at),
                   finalized_at = case when (@states)[array_position(@ids, j.id)] in ('succeeded', 'dead', 'cancelled') then now() end,
                   errors = case when (@errors)[array_position(@ids, j.id)] is null then j.errors
                                 else coalesce(j.errors, '[]'::jsonb) || jsonb_build_array((@errors)[array_position(@ids, j.id)]::jsonb) end
             where j.id = any (@ids) and j.state = 'running' and j.attempted_at = (@claimed_at)[array_position(@ids, j.id)]
            returning j.queue, j.state, j.limited
        )
        select count(*) from (select distinct queue from done where state = 'available' or limited) q
         cross join lateral (select pg_notify('{s}_events', 'q:' || q.queue)) n
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

    // Of the attempts this server believes it runs, the ones the database no longer holds for it:
    // cancelled, deleted, or rescued after a missed heartbeat (a re-claim has a later claim time).
    // A correlated probe per attempt, so each is a primary-key lookup whatever the statistics say.
    public string LostAttempts { get; } = $"""
        select u.id
          from unnest(@ids, @claimed_at) as u(id, claimed_at)
         where not exists (select 1 from {s}.job j where j.id = u.id and j.attempted_at = u.claimed_at and j.state = 'running')
        """;

    public const string JobColumns =
        "j.id, j.kind, j.queue, j.state, j.priority, j.args::text as args_json, j.attempt, j.max_attempts, j.created_at, " +
        "j.scheduled_at, j.attempted_at, j.finalized_at, j.attempted_by as server_id, j.timeout_ms, j.tags, j.correlation_id, " +
        "j.partition_key, j.idempotency_key, j.errors::text as errors_json, j.metadata::text as metadata_json";

    public string GetJob { get; } = $"select {JobColumns} from {s}.job j where j.id = @id";

    // Operator actions over every job a filter matches, each one statement. A requeued job that
    // spent its attempts gets one more, so retrying a dead job runs it.
    public string RequeueMatching(string where) => $"""
        with moved as (
            update {s}.job j
               set state = 'available', scheduled_at = now(), finalized_at = null,
                   max_attempts = greatest(j.max_attempts, j.attempt + 1)
             where {where} and j.state in ('scheduled', 'retrying', 'dead', 'cancelled', 'succeeded')
            returning j.queue
        ), woken as (
            select count(*) from (select distinct queue from moved) q
             cross join lateral (select pg_notify('{s}_events', 'q:' || q.queue)) n
        )
        select (select count(*) from moved)::int + 0 * (select count(*) from woken)::int
        """;

    // Running jobs among them learn of it through the 'c' notification: each server then checks
    // which of its attempts the database no longer holds.
    public string CancelMatching(string where) => $"""
        with cancelled as (
            update {s}.job j
               set state = 'cancelled', finalized_at = now(), server_id = null
             where {where} and j.state in ('scheduled', 'available', 'running', 'retrying')
            returning j.id
        ), told as (
            select count(*) from (select 1 where exists (select 1 from cancelled)) c
             cross join lateral (select pg_notify('{s}_events', 'c')) n
        )
        select (select count(*) from cancelled)::int + 0 * (select count(*) from told)::int
        """;

    public string DeleteMatching(string where) => $"""
        with deleted as (
            delete from {s}.job j where {where} returning j.state
        ), told as (
            select count(*) from (select 1 where exists (select 1 from deleted where state = 'running')) c
             cross join lateral (select pg_notify('{s}_events', 'c')) n
        )
        select (select count(*) from deleted)::int + 0 * (select count(*) from told)::int
        """;

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
           and j.state in ('available', 'scheduled', 'retrying')
        """;

    // Recurring schedules -----------------------------------------------------------------------

    private const string ScheduleColumnList =
        "name, cron, time_zone, kind, args::text as args_json, queue, priority, max_attempts, timeout_ms, tags, " +
        "partition_key, misfire, declared, paused_at, next_fire_at, last_fire_at, last_job_id";

    // Keeps the next fire time unless the timing changed, so redeclaring a schedule at every start
    // neither skips nor repeats a fire.
    public string UpsertSchedule { get; } = $"""
        insert into {s}.schedule as t (name, cron, time_zone, kind, args, queue, priority, max_attempts, timeout_ms,
                                       tags, partition_key, misfire, declared, next_fire_at)
        values (@name, @cron, @time_zone, @kind, @args::jsonb, @queue, @priority, @max_attempts, @timeout_ms,
                @tags, @partition_key, @misfire, @declared, @next_fire_at)
        on conflict (name) do update
           set cron = excluded.cron, time_zone = excluded.time_zone, kind = excluded.kind, args = excluded.args,
               queue = excluded.queue, priority = excluded.priority, max_attempts = excluded.max_attempts,
               timeout_ms = excluded.timeout_ms, tags = excluded.tags, partition_key = excluded.partition_key,
               misfire = excluded.misfire, declared = excluded.declared, updated_at = now(),
               next_fire_at = case when t.cron <> excluded.cron or t.time_zone <> excluded.time_zone or t.next_fire_at is null
                                   then excluded.next_fire_at else t.next_fire_at end
        """;

    public string RemoveUndeclaredSchedules { get; } = $"delete from {s}.schedule where declared and name <> all (@names)";

    public string DueSchedules { get; } = $"""
        select {ScheduleColumnList}
          from {s}.schedule
         where paused_at is null and next_fire_at <= @now
         order by next_fire_at
         limit 100
           for update skip locked
        """;

    public string ScheduleFired { get; } = $"""
        update {s}.schedule
           set next_fire_at = @next_fire_at, last_fire_at = coalesce(@last_fire_at, last_fire_at),
               last_job_id = coalesce(@last_job_id, last_job_id), updated_at = now()
         where name = @name
        """;

    public string ListSchedules { get; } = $"select {ScheduleColumnList} from {s}.schedule order by name";

    public string GetSchedule { get; } = $"select {ScheduleColumnList} from {s}.schedule where name = @name";

    public string ScheduleTriggered { get; } = $"update {s}.schedule set last_job_id = @job, updated_at = now() where name = @name";

    public string NextScheduleFire { get; } = $"select min(next_fire_at) from {s}.schedule where paused_at is null";

    public string PauseSchedule { get; } = $"update {s}.schedule set paused_at = coalesce(paused_at, now()), updated_at = now() where name = @name";

    public string ResumeSchedule { get; } = $"update {s}.schedule set paused_at = null, next_fire_at = @next_fire_at, updated_at = now() where name = @name";

    public string RemoveSchedule { get; } = $"delete from {s}.schedule where name = @name";

    // Monitoring --------------------------------------------------------------------------------

    public string CountByState { get; } = $"select state, count(*) from {s}.job group by state";

    public string Servers { get; } = $"""
        select id, host, version, queues::text as queues, started_at as startedat, heartbeat_at as heartbeatat,
               workers, busy, stopping
          from {s}.server
         order by started_at
        """;

    // Maintenance -------------------------------------------------------------------------------

    public string TryLock { get; } = $"select pg_try_advisory_xact_lock(hashtext('{s}'), @key)";

    // Moves due scheduled and retrying jobs to available and wakes their queues.
    public string PromoteDue { get; } = $"""
        with due as (
            select id from {s}.job
             where state in ('scheduled', 'retrying') and scheduled_at <= now()
             order by scheduled_at
             limit @limit
               for update skip locked
        ), promoted as (
            update {s}.job j set state = 'available' from due where j.id = due.id
            returning j.queue
        )
        select (select count(*) from promoted),
               (select count(*) from (select distinct queue from promoted) q
                 cross join lateral (select pg_notify('{s}_events', 'q:' || q.queue)) n),
               extract(epoch from (select min(scheduled_at) from {s}.job where state in ('scheduled', 'retrying')) - now()) * 1000
        """;

    // Returns the jobs of servers that stopped heartbeating: the attempt counts (a job that kills
    // its process ends dead instead of looping), the job runs again at once if attempts remain.
    public string RescueStale { get; } = $"""
        with stale as (
            delete from {s}.server where heartbeat_at < now() - @timeout_ms * interval '1 millisecond'
            returning id
        ), orphans as (
            select j.id from {s}.job j
             where j.server_id is not null
               and not exists (select 1 from {s}.server v
                                where v.id = j.server_id and v.heartbeat_at >= now() - @timeout_ms * interval '1 millisecond')
             for update skip locked
        ), rescued as (
            update {s}.job j
               set state = case when j.attempt >= j.max_attempts then 'dead' else 'available' end,
                   server_id = null,
                   finalized_at = case when j.attempt >= j.max_attempts then now() end,
                   errors = coalesce(j.errors, '[]'::jsonb) || jsonb_build_array(jsonb_build_object(
                       'attempt', j.attempt, 'at', now(), 'server', j.server_id, 'type', 'rescued',
                       'error', 'Server ' || j.server_id || ' stopped heartbeating while running attempt '
                                || j.attempt || '; the attempt counts as failed.'))
              from orphans o
             where j.id = o.id
            returning j.id, j.queue, j.state
        )
        select r.id, r.state,
               (select count(*) from stale) as servers,
               (select count(*) from (select distinct queue from rescued where state = 'available') q
                 cross join lateral (select pg_notify('{s}_events', 'q:' || q.queue)) n) as woken
          from rescued r
        """;

    // Deletes finished jobs past their retention, one batch per state per statement (succeeded
    // ones found through the BRIN index, dead and cancelled through job_failed).
    public string Prune { get; } = $"""
        with doomed as (
            select id from {s}.job
             where state = @state and finalized_at < now() - @age_ms * interval '1 millisecond'
             limit @limit
        )
        delete from {s}.job j using doomed d where j.id = d.id
        """;
}
