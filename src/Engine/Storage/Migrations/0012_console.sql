-- What the operator console reads: finding a job by what a person has at hand, and how long jobs
-- wait and run.
--
-- Lookup: the dashboard's search box takes a job id, an idempotency key, a correlation id or a
-- tag. Ids and idempotency keys have their indexes already (job_idempotency is probed kind by kind);
-- correlation ids and tags get partial indexes, so rows without them cost nothing. Tags are read
-- with @> (array containment), which GIN answers. Both columns are set at enqueue and never change,
-- so state updates stay HOT-eligible as before.
create index job_correlation on {{schema}}.job (correlation_id) where correlation_id is not null;
create index job_tags on {{schema}}.job using gin (tags) where tags is not null;

-- Wait and run times as histograms next to the per-minute counts: element i counts the attempts
-- whose time was at most the i-th bound of JobStatsBuckets (milliseconds, 1 ms to 1 hour, the last
-- element counting everything longer). Servers add their counts elementwise, as they add the counts.
-- Percentiles come from the summed histogram (the bound of the bucket the rank falls in): a few
-- hundred bytes per minute, queue and kind, whatever the number of jobs.
alter table {{schema}}.job_stats
    add column wait_ms bigint[],
    add column run_ms  bigint[];

-- Elementwise sum of two histograms (null is empty); the longer one sets the length.
create function {{schema}}.add_histograms(a bigint[], b bigint[]) returns bigint[]
language sql immutable parallel safe as $$
    select case when a is null then b when b is null then a else
        array(select coalesce(a[i], 0) + coalesce(b[i], 0)
                from generate_series(1, greatest(cardinality(a), cardinality(b))) as i) end
$$;
