namespace Jobs.Engine.Storage;

/// <summary>
/// The engine's SQL, by name, for one schema. Every statement the engine runs is here or in a
/// migration (only <see cref="Migrator"/> keeps its own, for the migration table it bootstraps).
/// Built once per process. This part holds the hot path (enqueue, claim, completion); the rest is
/// split by concern as <see cref="JobStore"/> is: JobSql.Reads, .Operations, .Servers, .Recurring,
/// .Maintenance and .Console. (Operator accounts, API keys and the audit log are src/Operators'.)
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
    // @notify is false when the insert is its own transaction: its wake-ups then go out after it
    // committed, through Wake, so that enqueues do not serialize on NOTIFY's commit lock (migration 0013).
    public string InsertJobs { get; } = $"select ids, created, wake from {s}.insert_jobs(@jobs::jsonb, @notify)";

    public string Wake { get; } = $"select count(pg_notify('{s}_events', w)) from unnest(@wake) as w";

    // One job that continues no other (most enqueues): insert_jobs' insert for one element, as one
    // statement, without the function's validation passes and aggregates (a PL/pgSQL call costs more
    // than the insert itself: pgbench here, one job from 10 connections, 6,700/s against 3,640/s).
    // @job is the element insert_jobs would get, so the two read the same fields the same way. A
    // given id the sequence never handed out inserts nothing, as does a taken idempotency key: the
    // client then goes through insert_jobs, which names the bad id or returns the job holding the key.
    public string InsertJob { get; } = $"""
        insert into {s}.job as j (id, kind, queue, state, priority, args, max_attempts, limited, scheduled_at,
                                  timeout_ms, tags, correlation_id, partition_key, idempotency_key, metadata)
        select coalesce(r.id, nextval('{s}.job_id_seq')), r.e ->> 'kind',
               coalesce(r.e ->> 'queue', k.queue, 'default'),
               case when r.run_at > now() then 'scheduled' else 'available' end,
               coalesce((r.e ->> 'priority')::numeric::smallint, k.priority, 0),
               coalesce(case when jsonb_typeof(r.e -> 'args') = 'object' then r.e -> 'args' end, jsonb_build_object()),
               coalesce((r.e ->> 'max_attempts')::numeric::smallint, k.max_attempts, 25),
               coalesce(k.global_limit is not null or k.partition_limit is not null, false),
               coalesce(r.run_at, now()),
               (r.e ->> 'timeout_ms')::numeric::integer,
               case when jsonb_typeof(r.e -> 'tags') = 'array' then array(select jsonb_array_elements_text(r.e -> 'tags')) end,
               r.e ->> 'correlation_id', r.e ->> 'partition_key', r.e ->> 'idempotency_key',
               case when jsonb_typeof(r.e -> 'metadata') = 'object' then r.e -> 'metadata' end
          from (select e, (e ->> 'id')::bigint as id,
                       case when jsonb_typeof(e -> 'run_at') = 'string' then (e ->> 'run_at')::timestamptz
                            when jsonb_typeof(e -> 'delay_ms') = 'number'
                            then now() + (e ->> 'delay_ms')::numeric * interval '1 millisecond'
                       end as run_at
                  from (select @job::jsonb as e) as given) r
          left join {s}.kind k on k.kind = r.e ->> 'kind'
         where r.id is null or r.id <= (select q.last_value from {s}.job_id_seq q)
        on conflict (kind, idempotency_key) where idempotency_key is not null do nothing
        returning j.id
        """;

    // The wake-up of InsertJob, sent in the same round trip: its queue (the kind's when the job names
    // none) and, for a job given a time, the promoters too. A job that turned out not runnable (due
    // later, or not inserted at all) only costs a server one empty claim.
    public string WakeJob { get; } = $"""
        select pg_notify('{s}_events', 'q:' || coalesce(@queue, (select k.queue from {s}.kind k where k.kind = @kind), 'default')),
               case when @timed then pg_notify('{s}_events', 's') end
        """;

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

    // Of the attempts this server believes it runs, the ones the database no longer holds for it:
    // cancelled, deleted, or rescued after a missed heartbeat (a re-claim has a later claim time).
    // A correlated probe per attempt, so each is a primary-key lookup whatever the statistics say.
    public string LostAttempts { get; } = $"""
        select u.id
          from unnest(@ids, @claimed_at) as u(id, claimed_at)
         where not exists (select 1 from {s}.job j where j.id = u.id and j.attempted_at = u.claimed_at and j.state = 'running')
        """;

    // Draws ids from the job table's own sequence: insert_jobs accepts an id only once the sequence handed it out.
    public string ReserveIds { get; } = $"select array(select nextval('{s}.job_id_seq') from generate_series(1, @count))";
}
