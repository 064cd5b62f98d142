namespace Jobs.Engine.Storage;

/// <summary>Operator actions over every job a filter matches, and jobs imported from another system.</summary>
internal sealed partial class JobSql
{
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
}
