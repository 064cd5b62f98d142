namespace Jobs.Engine.Storage;

/// <summary>Reading jobs: one job, pages by state and by filter, counts, queues, kinds, servers and throughput for the dashboards.</summary>
internal sealed partial class JobSql
{
    /// <summary>A job's columns, in the order <see cref="JobReader.ReadInfosAsync"/> reads them into a <see cref="Client.JobInfo"/>.</summary>
    public static readonly string JobColumns =
        $"j.id, j.kind, j.queue, j.state, j.priority, j.args::text, j.attempt, j.max_attempts, {Readable("j.created_at")}, " +
        $"{Readable("j.scheduled_at")}, {Readable("j.attempted_at")}, {Readable("j.finalized_at")}, " +
        "j.attempted_by, j.timeout_ms, j.tags, j.correlation_id, " +
        "j.partition_key, j.idempotency_key, j.errors::text, j.metadata::text, j.parent_id, j.continue_when";

    public string GetJob { get; } = $"select {JobColumns} from {s}.job j where j.id = @id";

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

    // Pages by number (offset) for dashboards that page that way (the Hangfire Dashboard), each
    // along the index that holds its state, so the first pages are index reads at any table size;
    // a deep page costs its offset. Available jobs merge the two claim indexes of their queue.
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

    /// <summary>A list row's columns, in the order <see cref="JobReader.ReadSummariesAsync"/> reads them into a <see cref="Monitoring.JobSummary"/>.</summary>
    private static readonly string ListColumns =
        $"j.id, j.kind, j.queue, j.state, j.priority, j.attempt, j.max_attempts, {Readable("j.created_at")}, " +
        $"{Readable("j.scheduled_at")}, {Readable("j.attempted_at")}, {Readable("j.finalized_at")}, " +
        "j.attempted_by, j.tags, j.correlation_id, j.partition_key, " +
        "left(j.errors -> -1 ->> 'error', 300), left(j.args::text, 200)";

    public string MaxJobId { get; } = $"select coalesce(max(id), 0) from {s}.job";
}
