namespace Jobs.Engine.Storage;

internal sealed partial class JobSql
{
    // A job by what a person has at hand: its id, an idempotency key, a correlation id or a tag,
    // each through its own index and at most @limit rows each. Idempotency keys are unique per kind
    // (job_idempotency leads with the kind), so the kinds that hold keys are walked first, a probe
    // per kind (a skip scan of the index), then each kind is probed for the key. No probe orders its
    // rows: with "order by id limit 2" the planner walks the primary key backwards hoping to meet a
    // common tag soon, and reads the whole table for a rare one (JobsMonitor.LookupAsync also turns
    // sequential scans off for this statement, for the same reason: a tag it has no statistics for
    // looks common enough to the planner to scan for).
    public string Lookup { get; } = $"""
        with recursive keyed as (
            select min(kind) as kind from {s}.job where idempotency_key is not null
            union all
            select (select min(j.kind) from {s}.job j where j.idempotency_key is not null and j.kind > k.kind)
              from keyed k where k.kind is not null
        )
        (select j.id, 'id' as how from {s}.job j where j.id = @id)
        union all
        (select j.id, 'idempotency key' from keyed k join {s}.job j on j.kind = k.kind and j.idempotency_key = @text
          where k.kind is not null limit @limit)
        union all
        (select j.id, 'correlation id' from {s}.job j where j.correlation_id = @text limit @limit)
        union all
        (select j.id, 'tag' from {s}.job j where j.tags @> array[@text]::text[] limit @limit)
        """;

    // The per-minute statistics of a time range, every queue and kind (an hour is a few thousand
    // rows at most: minutes times queue-kind pairs), read along the primary key, which leads with the minute.
    public string StatsRange { get; } = $"""
        select minute, queue, kind, succeeded, failed, dead, wait_ms as waitms, run_ms as runms
          from {s}.job_stats
         where minute >= @from and minute < @to
        """;

    // Matching jobs per state, reading at most @cap rows in all (the state tabs of a filtered list).
    public string CountByStateMatching(string where) =>
        $"select state, count(*) from (select j.state from {s}.job j where {where} limit @cap) x group by state";
}
