namespace Jobs.Engine.Storage;

/// <summary>
/// The engine's SQL, by name, for one schema. Every statement the engine runs is here or in a
/// migration (only <see cref="Migrator"/> keeps its own, for the migration table it bootstraps).
/// Built once per process.
/// </summary>
internal sealed partial class JobSql(string s)
{
    /// <summary>
    /// A time as .NET can read it: PostgreSQL holds times from 4713 BC to 294276 AD and infinities,
    /// DateTime only the years 1 to 9999, and one row beyond them would fail every read that meets it.
    /// The job table's job_times_valid constraint keeps rows within bounds; this keeps reads working on
    /// rows that predate it or were written without it. Only for what is shown: keys and fences use the column.
    /// </summary>
    internal static string Readable(string time) =>
        $"(case when {time} < '0001-01-01 00:00:00+00' then '0001-01-01 00:00:00+00'::timestamptz " +
        $"when {time} > '9999-12-31 23:59:59.999999+00' then '9999-12-31 23:59:59.999999+00'::timestamptz else {time} end)";

    /// <summary>The columns a claim returns, in the order <see cref="ClaimedJob.ReadAllAsync"/> reads them.</summary>
    private static readonly string ClaimedColumns =
        $"j.id, j.kind, j.queue, j.priority, j.args, j.attempt, j.max_attempts, {Readable("j.created_at")}, {Readable("j.scheduled_at")}, " +
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
    // Jobs that others continue release those continuations; for the rest nothing more runs.
    public string CompleteSucceeded { get; } = $"""
        with done as (
            update {s}.job j
               set state = 'succeeded', finalized_at = now(), server_id = null
             where j.id = any (@ids) and j.state = 'running' and j.attempted_at = any (@claimed_at)
            returning j.id, j.queue, j.limited, j.has_dependents
        )
        select (select count(*) from (select distinct queue from done where limited) q
                 cross join lateral (select pg_notify('{s}_events', 'q:' || q.queue)) n),
               {ReleaseDependents(s, "done", "succeeded", "has_dependents")}
        """;

    /// <summary>
    /// Releases the continuations of the rows of <paramref name="rows"/> that match <paramref name="where"/>
    /// (finished with <paramref name="outcome"/>). The function runs only when there are such rows, and it
    /// reads a fresh snapshot: a continuation committed while this statement waited for its parent's row
    /// lock is released too (see migration 0007).
    /// </summary>
    private static string ReleaseDependents(string s, string rows, string outcome, string where) =>
        $"(select {s}.release_dependents(array_agg(id), '{outcome}') from {rows} where {where} having count(*) > 0)";

    // Every other outcome: failed (retrying or dead), snoozed, handed back, permanently failed. Each
    // job's values are found by its position in @ids (these batches are small: failures are rare).
    // Jobs made available again wake their queue, and so do finished limited jobs.
    public string CompleteOther { get; } = $"""
        with done as (
            update {s}.job j
               set state = (@states)[array_position(@ids, j.id)],
                   server_id = null,
                   attempt = j.attempt - (@refunds)[array_position(@ids, j.id)],
                   -- A handler's snooze or retry-after may ask for any delay; the job is due 10 years ahead at most
                   -- (EnqueueLimits.MaxDelay), as an enqueue may be, so the time stays one every reader can show.
                   scheduled_at = coalesce(now() + case when (@delays)[array_position(@ids, j.id)] is not null
                                                        then least((@delays)[array_position(@ids, j.id)], 315619200000) end * interval '1 millisecond',
                                           j.scheduled_at),
                   finalized_at = case when (@states)[array_position(@ids, j.id)] in ('succeeded', 'dead', 'cancelled') then now() end,
                   errors = case when (@errors)[array_position(@ids, j.id)] is null then j.errors
                                 else coalesce(j.errors, '[]'::jsonb) || jsonb_build_array((@errors)[array_position(@ids, j.id)]::jsonb) end
             where j.id = any (@ids) and j.state = 'running' and j.attempted_at = (@claimed_at)[array_position(@ids, j.id)]
            returning j.id, j.queue, j.state, j.limited, j.has_dependents
        )
        select (select count(*) from (select distinct queue from done where state = 'available' or limited) q
                 cross join lateral (select pg_notify('{s}_events', 'q:' || q.queue)) n),
               {ReleaseDependents(s, "done", "succeeded", "has_dependents and state = 'succeeded'")},
               {ReleaseDependents(s, "done", "cancelled", "has_dependents and state = 'cancelled'")}
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

    public static readonly string JobColumns =
        $"j.id, j.kind, j.queue, j.state, j.priority, j.args::text as args_json, j.attempt, j.max_attempts, {Readable("j.created_at")} as created_at, " +
        $"{Readable("j.scheduled_at")} as scheduled_at, {Readable("j.attempted_at")} as attempted_at, {Readable("j.finalized_at")} as finalized_at, " +
        "j.attempted_by as server_id, j.timeout_ms, j.tags, j.correlation_id, " +
        "j.partition_key, j.idempotency_key, j.errors::text as errors_json, j.metadata::text as metadata_json, j.parent_id, j.continue_when";

    public string GetJob { get; } = $"select {JobColumns} from {s}.job j where j.id = @id";

    // Pages by number (offset) for dashboards that page that way (the Hangfire Dashboard), each
    // along the index that holds its state, so the first pages are index reads at any table size;
    // a deep page costs its offset. Available jobs merge the two claim indexes of their queue.
    // Jobs brought from another system (JobImports), inserted in this transaction as waiting jobs,
    // take the state they had there: retrying with the attempts they spent and their last error, or
    // dead with it. Only rows this transaction inserted are named, so nothing else can be changed.
    public string ImportStates { get; } = $"""
        update {s}.job j
           set state = u.state, attempt = u.attempt, attempted_at = u.failed_at, errors = jsonb_build_array(u.error::jsonb),
               finalized_at = case when u.state = 'dead' then u.failed_at end
          from unnest(@ids, @states, @attempts, @errors, @failed_at) as u(id, state, attempt, error, failed_at)
         where j.id = u.id and j.state in ('available', 'scheduled')
        """;

    // One state's jobs counted up to @cap, along the same indexes as CappedStateCounts.
    public string CappedStateCount(Jobs.Engine.States.JobState state) => state switch
    {
        Jobs.Engine.States.JobState.Available =>
            $"select (select count(*) from (select 1 from {s}.job where state = 'available' and not limited limit @cap) x) " +
            $"+ (select count(*) from (select 1 from {s}.job where state = 'available' and limited limit @cap) x)",
        Jobs.Engine.States.JobState.Running => $"select count(*) from (select 1 from {s}.job where server_id is not null limit @cap) x",
        _ => $"select count(*) from (select 1 from {s}.job where state = @state limit @cap) x",
    };

    // One queue's available jobs counted up to @cap, along the two claim indexes.
    public string CappedQueueDepth { get; } =
        $"select (select count(*) from (select 1 from {s}.job where state = 'available' and not limited and queue = @queue limit @cap) x) " +
        $"+ (select count(*) from (select 1 from {s}.job where state = 'available' and limited and queue = @queue limit @cap) x)";

    // Every queue anyone mentions, without depths (see Queues).
    public string QueueCount { get; } = $"""
        with recursive waiting(queue) as (
            (select queue from {s}.job where state = 'available' and not limited order by queue limit 1)
            union all
            select (select j.queue from {s}.job j where j.state = 'available' and not j.limited and j.queue > w.queue order by j.queue limit 1)
              from waiting w where w.queue is not null
        )
        select count(*) from (
            select queue as name from waiting where queue is not null
            union select name from {s}.queue
            union select jsonb_object_keys(queues) from {s}.server
            union select queue from {s}.kind where queue is not null
            union select distinct queue from {s}.job where state = 'available' and limited) n
        """;

    public string StatePageAvailable { get; } = $"""
        select {JobColumns} from (
            (select * from {s}.job where state = 'available' and not limited and queue = @queue
              order by priority desc, scheduled_at, id limit @end)
            union all
            (select * from {s}.job where state = 'available' and limited and queue = @queue
              order by priority desc, scheduled_at, id limit @end)) j
         order by j.priority desc, j.scheduled_at, j.id offset @offset limit @limit
        """;

    public string StatePageDue { get; } = $"select {JobColumns} from {s}.job j where j.state = @state order by j.scheduled_at, j.id offset @offset limit @limit";

    public string StatePageRunning { get; } = $"select {JobColumns} from {s}.job j where j.server_id is not null order by j.attempted_at, j.id offset @offset limit @limit";

    public string StatePageFinalized { get; } = $"select {JobColumns} from {s}.job j where j.state = @state order by j.finalized_at desc, j.id desc offset @offset limit @limit";

    // Succeeded jobs have no index of their own (see job_finalized_brin): newest first by id, which
    // the primary key reads backwards; most rows of a large table match, so a page fills at once.
    public string StatePageById { get; } = $"select {JobColumns} from {s}.job j where j.state = @state order by j.id desc offset @offset limit @limit";

    // Draws ids from the job table's own sequence: insert_jobs accepts an id only once the sequence handed it out.
    public string ReserveIds { get; } = $"select array(select nextval('{s}.job_id_seq') from generate_series(1, @count))";

    // Operator actions over every job a filter matches, each one statement. A requeued job that
    // spent its attempts gets one more, so retrying a dead job runs it; one that spent all 32767 an
    // attempt counter holds counts its last one again (the claim adds one to it).
    public string RequeueMatching(string where) => $"""
        with moved as (
            update {s}.job j
               set state = 'available', scheduled_at = now(), finalized_at = null,
                   attempt = least(j.attempt, 32766),
                   max_attempts = greatest(j.max_attempts, least(j.attempt, 32766) + 1)
             where {where} and j.state in ('scheduled', 'retrying', 'dead', 'cancelled', 'succeeded', 'awaiting')
            returning j.queue
        ), woken as (
            select count(*) from (select distinct queue from moved) q
             cross join lateral (select pg_notify('{s}_events', 'q:' || q.queue)) n
        )
        select (select count(*) from moved)::int + 0 * (select count(*) from woken)::int
        """;

    // Running jobs among them learn of it through the 'c' notification: each server then checks
    // which of its attempts the database no longer holds. Continuations of the cancelled jobs are released.
    public string CancelMatching(string where) => $"""
        with cancelled as (
            update {s}.job j
               set state = 'cancelled', finalized_at = now(), server_id = null,
                   metadata = case when @cancel_reason::text is null then j.metadata
                                   else coalesce(j.metadata, jsonb_build_object()) || jsonb_build_object('cancel_reason', @cancel_reason::text) end
             where {where} and j.state in ('scheduled', 'available', 'running', 'retrying', 'awaiting')
            returning j.id, j.has_dependents
        ), told as (
            select count(*) from (select 1 where exists (select 1 from cancelled)) c
             cross join lateral (select pg_notify('{s}_events', 'c')) n
        )
        select (select count(*) from cancelled)::int + 0 * (select count(*) from told)::int
             + 0 * coalesce({ReleaseDependents(s, "cancelled", "cancelled", "has_dependents")}, 0)
        """;

    // A deleted job that others continue counts as cancelled for them.
    public string DeleteMatching(string where) => $"""
        with deleted as (
            delete from {s}.job j where {where} returning j.id, j.state, j.has_dependents
        ), told as (
            select count(*) from (select 1 where exists (select 1 from deleted where state = 'running')) c
             cross join lateral (select pg_notify('{s}_events', 'c')) n
        )
        select (select count(*) from deleted)::int + 0 * (select count(*) from told)::int
             + 0 * coalesce({ReleaseDependents(s, "deleted", "deleted", "has_dependents")}, 0)
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
           and j.state in ('available', 'scheduled', 'retrying', 'awaiting')
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

    // An operator's new schedule: never replaces one (declared or not) that holds the name.
    public string InsertSchedule { get; } = $"""
        insert into {s}.schedule (name, cron, time_zone, kind, args, queue, priority, max_attempts, timeout_ms,
                                  tags, partition_key, misfire, declared, next_fire_at)
        values (@name, @cron, @time_zone, @kind, @args::jsonb, @queue, @priority, @max_attempts, @timeout_ms,
                @tags, @partition_key, @misfire, false, @next_fire_at)
        on conflict (name) do nothing
        """;

    // An operator's edit: only of a schedule made at run time (a declared one is owned by its code).
    // The next fire time moves only when the timing changed, and never while paused.
    public string UpdateSchedule { get; } = $"""
        update {s}.schedule as t
           set cron = @cron, time_zone = @time_zone, kind = @kind, args = @args::jsonb, queue = @queue, priority = @priority,
               max_attempts = @max_attempts, timeout_ms = @timeout_ms, tags = @tags, partition_key = @partition_key,
               misfire = @misfire, updated_at = now(),
               next_fire_at = case when t.cron <> @cron or t.time_zone <> @time_zone or t.next_fire_at is null
                                   then @next_fire_at else t.next_fire_at end
         where t.name = @name and not t.declared
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

    // With the state of the job the latest fire enqueued (a primary-key probe per schedule): its outcome.
    public string ListSchedules { get; } =
        $"select {ScheduleColumnList}, (select j.state from {s}.job j where j.id = last_job_id) as last_job_state from {s}.schedule order by name";

    public string GetSchedule { get; } =
        $"select {ScheduleColumnList}, (select j.state from {s}.job j where j.id = last_job_id) as last_job_state from {s}.schedule where name = @name";

    // A manual trigger is a fire too (as in Hangfire, whose trigger sets LastExecution): it shows as the latest.
    public string ScheduleTriggered { get; } = $"update {s}.schedule set last_job_id = @job, last_fire_at = now(), updated_at = now() where name = @name";

    public string NextScheduleFire { get; } = $"select min(next_fire_at) from {s}.schedule where paused_at is null";

    public string PauseSchedule { get; } = $"update {s}.schedule set paused_at = coalesce(paused_at, now()), updated_at = now() where name = @name";

    public string ResumeSchedule { get; } = $"update {s}.schedule set paused_at = null, next_fire_at = @next_fire_at, updated_at = now() where name = @name";

    public string RemoveSchedule { get; } = $"delete from {s}.schedule where name = @name";

    // Monitoring --------------------------------------------------------------------------------
    // Dashboards read through these. Each is shaped to an index and bounded, so it stays fast with
    // millions of jobs: counts stop at a cap (beyond it the planner's statistics give an estimate),
    // lists page by keyset along an index, never by OFFSET.

    // Exact counts up to @cap per state, each through the index that holds that state. Succeeded
    // jobs have no b-tree (see job_finalized_brin): their number comes from the estimate below.
    // Available jobs are counted in two parts, limited and not, so that each part reads its own
    // partial index (job_fetch, job_fetch_limited); one count over both read the whole table.
    public string CappedStateCounts { get; } = $"""
        select 'available' as state,
               (select count(*) from (select 1 from {s}.job where state = 'available' and not limited limit @cap) x)
             + (select count(*) from (select 1 from {s}.job where state = 'available' and limited limit @cap) x) as jobs
        union all select 'scheduled', (select count(*) from (select 1 from {s}.job where state = 'scheduled' limit @cap) x)
        union all select 'retrying', (select count(*) from (select 1 from {s}.job where state = 'retrying' limit @cap) x)
        union all select 'running', (select count(*) from (select 1 from {s}.job where server_id is not null limit @cap) x)
        union all select 'dead', (select count(*) from (select 1 from {s}.job where state = 'dead' limit @cap) x)
        union all select 'cancelled', (select count(*) from (select 1 from {s}.job where state = 'cancelled' limit @cap) x)
        union all select 'awaiting', (select count(*) from (select 1 from {s}.job where state = 'awaiting' limit @cap) x)
        """;

    // The planner's own estimate of jobs per state: table size times the state's frequency from the
    // last ANALYZE. Used where a count passed its cap, and for succeeded jobs.
    public string EstimatedStateCounts { get; } = $"""
        select v.state, round(c.reltuples * v.freq)::bigint as jobs
          from pg_class c
          join pg_namespace n on n.oid = c.relnamespace and n.nspname = '{s}'
          cross join lateral (
                select u.state, u.freq
                  from pg_stats st,
                       unnest(st.most_common_vals::text::text[], st.most_common_freqs) as u(state, freq)
                 where st.schemaname = '{s}' and st.tablename = 'job' and st.attname = 'state') v
         where c.relname = 'job' and c.reltuples > 0
        """;

    public string JobEstimate { get; } = $"""
        select greatest(c.reltuples, 0)::bigint from pg_class c join pg_namespace n on n.oid = c.relnamespace
         where n.nspname = '{s}' and c.relname = 'job'
        """;

    // Every queue anyone mentions (servers, pauses, kind defaults, waiting jobs: a skip scan over
    // job_fetch, one probe per queue), with its depth (capped), running jobs, paused state, and
    // the wait of its oldest job (a skip scan over the priorities of the queue).
    public string Queues { get; } = $"""
        with recursive waiting(queue) as (
            (select queue from {s}.job where state = 'available' and not limited order by queue limit 1)
            union all
            select (select j.queue from {s}.job j where j.state = 'available' and not j.limited and j.queue > w.queue order by j.queue limit 1)
              from waiting w where w.queue is not null
        ), names as (
            select queue as name from waiting where queue is not null
            union select name from {s}.queue
            union select jsonb_object_keys(queues) from {s}.server
            union select queue from {s}.kind where queue is not null
            union select distinct queue from {s}.job where state = 'available' and limited
        )
        select n.name,
               (select count(*) from (select 1 from {s}.job j where j.state = 'available' and not j.limited and j.queue = n.name limit @cap) x)
             + (select count(*) from (select 1 from {s}.job j where j.state = 'available' and j.limited and j.queue = n.name limit @cap) x) as available,
               (select count(*) from {s}.job j where j.server_id is not null and j.queue = n.name) as running,
               (select coalesce(sum((v.queues ->> n.name)::int), 0) from {s}.server v where v.queues ? n.name) as workers,
               q.paused_at,
               (select {Readable("o.at")} from (select (with recursive p(priority) as (
                    (select j.priority from {s}.job j where j.state = 'available' and not j.limited and j.queue = n.name
                      order by j.priority desc limit 1)
                    union all
                    select (select j.priority from {s}.job j where j.state = 'available' and not j.limited and j.queue = n.name
                              and j.priority < p.priority order by j.priority desc limit 1)
                      from p where p.priority is not null)
                select least(
                    (select min((select j.scheduled_at from {s}.job j where j.state = 'available' and not j.limited and j.queue = n.name
                                   and j.priority = p.priority order by j.scheduled_at limit 1)) from p where p.priority is not null),
                    (select min(j.scheduled_at) from {s}.job j where j.state = 'available' and j.limited and j.queue = n.name))
               ) as at) o) as oldest
          from names n
          left join {s}.queue q on q.name = n.name
         order by n.name
        """;

    // Limits and defaults per kind, with the jobs of limited kinds running now.
    public string Kinds { get; } = $"""
        select k.kind, k.queue, k.priority, k.max_attempts as maxattempts, k.global_limit as globallimit,
               k.partition_limit as partitionlimit, k.updated_at as updatedat, k.updated_by as updatedby,
               case when k.global_limit is not null or k.partition_limit is not null
                    then (select count(*) from {s}.job j where j.server_id is not null and j.limited and j.kind = k.kind) end as running
          from {s}.kind k
         order by k.kind
        """;

    public string Servers { get; } = $"""
        select id, host, version, queues::text as queues, started_at as startedat, heartbeat_at as heartbeatat,
               workers, busy, stopping
          from {s}.server
         order by started_at
        """;

    public string Throughput { get; } = $"""
        select date_bin(@bucket, minute, @origin) as at, sum(succeeded)::bigint as succeeded, sum(failed)::bigint as failed,
               sum(dead)::bigint as dead
          from {s}.job_stats
         where minute >= @from and minute < @to
         group by 1
         order by 1
        """;

    // Dead jobs grouped by kind and latest error, over the most recent dead jobs only (the
    // dead-letter view answers "what is failing now"; older groups still requeue by filter).
    public string DeadLetterGroups { get; } = $"""
        select d.kind, coalesce(d.errors -> -1 ->> 'type', '') as type,
               left(coalesce(d.errors -> -1 ->> 'error', ''), {JobFilterSql.LastErrorLength}) as error,
               count(*) as jobs, {Readable("max(d.finalized_at)")} as lastat, min(d.id) as sampleid
          from (select kind, errors, finalized_at, id from {s}.job where state = 'dead'
                 order by finalized_at desc limit @scan) d
         group by 1, 2, 3
         order by jobs desc, lastat desc
         limit @limit
        """;

    public string CountMatching(string where) => $"select count(*) from (select 1 from {s}.job j where {where} limit @cap) x";

    public string ExplainMatching(string where) => $"explain (format json) select 1 from {s}.job j where {where}";

    /// <summary>
    /// A page of jobs: <paramref name="where"/> and <paramref name="order"/> come from the list's keyset
    /// plan, and so does <paramref name="sortTime"/>, the time column it orders by (if any), whose exact
    /// value is read as text for the cursor (the shown time may be made readable, the key must not).
    /// </summary>
    public string ListPage(string where, string order, string? sortTime) => $"""
        select {ListColumns}, {(sortTime is null ? "null::text" : ExactTime(sortTime))} as sortkey
          from {s}.job j
         where {where}
         order by {order}
         limit @limit
        """;

    /// <summary>A time as text that casts back to exactly it, whatever the session's date style: UTC ISO 8601 with its era, or an infinity.</summary>
    private static string ExactTime(string time) =>
        $"(case when isfinite({time}) then to_char({time} at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\" AD') else {time}::text end)";

    private static readonly string ListColumns =
        $"j.id, j.kind, j.queue, j.state, j.priority, j.attempt, j.max_attempts as maxattempts, {Readable("j.created_at")} as createdat, " +
        $"{Readable("j.scheduled_at")} as scheduledat, {Readable("j.attempted_at")} as attemptedat, {Readable("j.finalized_at")} as finalizedat, " +
        "j.attempted_by as serverid, j.tags, j.correlation_id as correlationid, j.partition_key as partitionkey, " +
        "left(j.errors -> -1 ->> 'error', 300) as lasterror, left(j.args::text, 200) as argspreview";

    public string MaxJobId { get; } = $"select coalesce(max(id), 0) from {s}.job";

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

    // Operators, API keys, audit ------------------------------------------------------------------

    private const string OperatorColumns =
        "id, username, password_hash as passwordhash, role, created_at as createdat, created_by as createdby, disabled_at as disabledat, " +
        "failed_logins as failedlogins, locked_until as lockeduntil, last_login_at as lastloginat";

    public string FindOperator { get; } = $"select {OperatorColumns} from {s}.operator where username = @username";

    public string GetOperator { get; } = $"select {OperatorColumns} from {s}.operator where id = @id";

    public string ListOperators { get; } = $"select {OperatorColumns} from {s}.operator order by username";

    public string CreateOperator { get; } = $"""
        insert into {s}.operator (username, password_hash, role, created_by) values (@username, @hash, @role, @by) returning id
        """;

    public string SetOperatorRole { get; } = $"update {s}.operator set role = @role where id = @id";

    // A new password ends the account's sessions: whoever held one may have known the old password.
    public string SetOperatorPassword { get; } = $"""
        with ended as (
            update {s}.operator_session set ended_at = now(), end_reason = 'password changed' where operator_id = @id and ended_at is null
        )
        update {s}.operator set password_hash = @hash, failed_logins = 0, locked_until = null where id = @id
        """;

    // The same password in a newer hash format (at sign-in): sessions stay.
    public string RehashOperatorPassword { get; } = $"update {s}.operator set password_hash = @hash where id = @id";

    public string SetOperatorDisabled { get; } = $"""
        with ended as (
            update {s}.operator_session set ended_at = now(), end_reason = 'disabled' where operator_id = @id and ended_at is null and @disabled
        )
        update {s}.operator set disabled_at = case when @disabled then coalesce(disabled_at, now()) end where id = @id
        """;

    public string OperatorLoggedIn { get; } = $"update {s}.operator set failed_logins = 0, locked_until = null, last_login_at = now() where id = @id";

    // Counts a failed login; the one that reaches the limit locks the account, and a lock that ran
    // out starts the count again.
    public string OperatorLoginFailed { get; } = $"""
        update {s}.operator
           set failed_logins = case when locked_until is not null and locked_until <= now() then 1 else failed_logins + 1 end,
               locked_until = case when (case when locked_until is not null and locked_until <= now() then 1 else failed_logins + 1 end) >= @max
                                   then now() + @lockout_ms * interval '1 millisecond'
                                   when locked_until is not null and locked_until <= now() then null
                                   else locked_until end
         where id = @id
        returning locked_until
        """;

    // Sessions: a sign-in also drops the operator's sessions that ended or went idle long ago.
    public string StartOperatorSession { get; } = $"""
        with pruned as (
            delete from {s}.operator_session
             where operator_id = @operator and (ended_at < @now - interval '7 days' or last_seen_at < @now - interval '30 days')
        )
        insert into {s}.operator_session (operator_id, token_hash, created_at, last_seen_at) values (@operator, @hash, @now, @now)
        returning id
        """;

    // The request's one lookup: the open session by its token, with its account as it is now.
    public string FindOperatorSession { get; } = $"""
        select s.id as sessionid, s.created_at as sessioncreatedat, s.last_seen_at as lastseenat, o.*
          from {s}.operator_session s
         cross join lateral (select {OperatorColumns} from {s}.operator where id = s.operator_id) o
         where s.token_hash = @hash and s.ended_at is null and s.last_seen_at > @now - @idle_ms * interval '1 millisecond'
        """;

    // Written at most once a minute per session, like an API key's last use.
    public string TouchOperatorSession { get; } = $"""
        update {s}.operator_session set last_seen_at = @now where id = @id and ended_at is null and last_seen_at < @now - interval '1 minute'
        """;

    public string EndOperatorSession { get; } = $"""
        update {s}.operator_session set ended_at = @now, end_reason = 'signed out' where token_hash = @hash and ended_at is null
        """;

    private const string ApiKeyColumns =
        "id, name, prefix, key_hash as keyhash, role, kinds, queues, created_at as createdat, created_by as createdby, " +
        "revoked_at as revokedat, last_used_at as lastusedat";

    public string CreateApiKey { get; } = $"""
        insert into {s}.api_key (name, prefix, key_hash, role, kinds, queues, created_by)
        values (@name, @prefix, @hash, @role, @kinds, @queues, @by) returning id
        """;

    public string FindApiKey { get; } = $"select {ApiKeyColumns} from {s}.api_key where prefix = @prefix";

    public string ListApiKeys { get; } = $"select {ApiKeyColumns} from {s}.api_key order by created_at desc, id desc";

    public string RevokeApiKey { get; } = $"update {s}.api_key set revoked_at = now() where id = @id and revoked_at is null";

    // Written at most once a minute per key, so a busy client does not write on every call.
    public string ApiKeyUsed { get; } = $"""
        update {s}.api_key set last_used_at = now() where id = @id and (last_used_at is null or last_used_at < now() - interval '1 minute')
        """;

    public string AddAudit { get; } = $"""
        insert into {s}.audit (actor, actor_kind, action, target, job_count, details) values (@actor, @kind, @action, @target, @count, @details::jsonb)
        """;

    public string ListAudit { get; } = $"""
        select id, at, actor, actor_kind as actorkind, action, target, job_count as jobcount, details::text as details
          from {s}.audit where @before is null or id < @before order by id desc limit @limit
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
               -- Bounded to a day ahead: the promoter looks again within its poll interval anyway, and an
               -- infinite or far time (a row written by hand) must not overflow the wait.
               extract(epoch from (select greatest(least(min(scheduled_at), now() + interval '1 day'), now()) - now()
                                     from {s}.job where state in ('scheduled', 'retrying') having count(*) > 0)) * 1000
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
            {ReturnHeld(s, "rescued", "' stopped heartbeating while running attempt ' || j.attempt")}
        )
        select r.id, r.kind, r.queue, r.state,
               (select count(*) from stale) as servers,
               (select count(*) from (select distinct queue from rescued where state = 'available') q
                 cross join lateral (select pg_notify('{s}_events', 'q:' || q.queue)) n) as woken
          from rescued r
        """;

    // Claims the database holds for one server that the server does not hold (@ids, @claimed_at): their
    // claim's answer or their completion was lost with a failed primary. Only claims older than @grace_ms,
    // so that a claim whose answer is still on its way is never taken for one.
    public string ReturnOrphans { get; } = $"""
        with orphans as (
            select j.id from {s}.job j
             where j.server_id = @server
               and j.attempted_at < now() - @grace_ms * interval '1 millisecond'
               and not exists (select 1 from unnest(@ids, @claimed_at) as h(id, claimed_at)
                                where h.id = j.id and h.claimed_at = j.attempted_at)
             for update skip locked
        ), rescued as (
            {ReturnHeld(s, "orphaned", "' held attempt ' || j.attempt || ' in the database but not in its process (its claim or completion was lost, as in a failover)'")}
        )
        select r.id, r.state,
               (select count(*) from (select distinct queue from rescued where state = 'available') q
                 cross join lateral (select pg_notify('{s}_events', 'q:' || q.queue)) n) as woken
          from rescued r
        """;

    // Returns the held jobs in `orphans` to available (dead once their attempts are spent), the attempt
    // counted, with an error entry of `type` saying why ('Server <id>' || `why`).
    private static string ReturnHeld(string s, string type, string why) => $"""
        update {s}.job j
           set state = case when j.attempt >= j.max_attempts then 'dead' else 'available' end,
               server_id = null,
               finalized_at = case when j.attempt >= j.max_attempts then now() end,
               errors = coalesce(j.errors, '[]'::jsonb) || jsonb_build_array(jsonb_build_object(
                   'attempt', j.attempt, 'at', now(), 'server', j.server_id, 'type', '{type}',
                   'error', 'Server ' || j.server_id || {why} || '; the attempt counts as failed.'))
          from orphans o
         where j.id = o.id
        returning j.id, j.kind, j.queue, j.state
        """;

    // Deletes finished jobs past their retention, one batch per state per statement (succeeded
    // ones found through the BRIN index, dead and cancelled through job_failed). A pruned dead job
    // that others still await counts as deleted for them.
    public string Prune { get; } = $"""
        with doomed as (
            select id from {s}.job
             where state = @state and finalized_at < now() - @age_ms * interval '1 millisecond'
             limit @limit
        ), pruned as (
            delete from {s}.job j using doomed d where j.id = d.id
            returning j.id, j.has_dependents
        )
        select (select count(*) from pruned)::int + 0 * coalesce({ReleaseDependents(s, "pruned", "deleted", "has_dependents")}, 0)
        """;
}
