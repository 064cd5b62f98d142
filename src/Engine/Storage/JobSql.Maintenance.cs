namespace Jobs.Engine.Storage;

/// <summary>Background maintenance: its lock, promotion of due jobs, rescue of stale servers' jobs, orphaned claims, retention.</summary>
internal sealed partial class JobSql
{
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
