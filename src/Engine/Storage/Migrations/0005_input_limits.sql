-- Bounds on what a job holds, so that every job stored can be listed, shown and run.
--
-- Run times: a job is due at most 3653 days (10 years) after its enqueue; an earlier time means now,
-- but none before 2000-01-01. Every enqueue path refuses a time outside that (the .NET client, the
-- HTTP API, enqueue and enqueue_many below). PostgreSQL holds times up to the year 294276 and
-- infinities, .NET (like most readers) none after 9999-12-31: one such job used to break every page
-- that listed it. As a last line of defence the table keeps each of a job's times between 2000-01-01
-- and 9999-01-01 (the year before the end leaves room for local times and small sums).
-- Tags: at most 20 per job, each 1 to 100 characters.

-- A time in UTC as text, whatever the session's time zone (for the repair's messages only).
create or replace function {{schema}}.utc_text(t timestamptz) returns text
language sql stable
set search_path = pg_catalog, pg_temp
as $fn$ select case when isfinite(t) then (t at time zone 'UTC')::text || ' UTC' else t::text end $fn$;

-- Rows written before this migration (or by hand) with a time outside those bounds are repaired,
-- losing nothing: each such time is set to the time of the repair, an error entry of type
-- 'invalid_time' keeps the original values, and a job that had not finished ends dead with it (a
-- retry runs it now). Finished jobs keep their state.
with checked as (
    select j.id,
           not (j.created_at >= '2000-01-01 00:00:00+00' and j.created_at < '9999-01-01 00:00:00+00') as created,
           not (j.scheduled_at >= '2000-01-01 00:00:00+00' and j.scheduled_at < '9999-01-01 00:00:00+00') as scheduled,
           not coalesce(j.attempted_at >= '2000-01-01 00:00:00+00' and j.attempted_at < '9999-01-01 00:00:00+00', true) as attempted,
           not coalesce(j.finalized_at >= '2000-01-01 00:00:00+00' and j.finalized_at < '9999-01-01 00:00:00+00', true) as finalized
      from {{schema}}.job j
), bad as (
    select * from checked where created or scheduled or attempted or finalized
)
update {{schema}}.job j
   set created_at = case when b.created then now() else j.created_at end,
       scheduled_at = case when b.scheduled then now() else j.scheduled_at end,
       attempted_at = case when b.attempted then now() else j.attempted_at end,
       finalized_at = case when j.state not in ('succeeded', 'dead', 'cancelled') or b.finalized then now() else j.finalized_at end,
       state = case when j.state in ('succeeded', 'dead', 'cancelled') then j.state else 'dead' end,
       server_id = null,
       errors = coalesce(j.errors, '[]'::jsonb) || jsonb_build_array(jsonb_build_object(
           'attempt', j.attempt, 'at', now(), 'type', 'invalid_time',
           'error', 'Times outside 2000-01-01 .. 9999-01-01, which cannot be shown, were set to the time of this repair (migration 0005): '
                    || concat_ws(', ',
                           case when b.created then 'created_at ' || {{schema}}.utc_text(j.created_at) end,
                           case when b.scheduled then 'scheduled_at ' || {{schema}}.utc_text(j.scheduled_at) end,
                           case when b.attempted then 'attempted_at ' || {{schema}}.utc_text(j.attempted_at) end,
                           case when b.finalized then 'finalized_at ' || {{schema}}.utc_text(j.finalized_at) end) || '.'
                    || case when j.state in ('succeeded', 'dead', 'cancelled') then ''
                            else ' The job had not finished (' || j.state || ') and was ended dead; retry it to run it now.' end))
  from bad b
 where j.id = b.id;

drop function {{schema}}.utc_text(timestamptz);

alter table {{schema}}.job add constraint job_times_valid check (
    created_at >= '2000-01-01 00:00:00+00' and created_at < '9999-01-01 00:00:00+00'
    and scheduled_at >= '2000-01-01 00:00:00+00' and scheduled_at < '9999-01-01 00:00:00+00'
    and attempted_at >= '2000-01-01 00:00:00+00' and attempted_at < '9999-01-01 00:00:00+00'
    and finalized_at >= '2000-01-01 00:00:00+00' and finalized_at < '9999-01-01 00:00:00+00');

-- What is wrong with a run_at given as text, or null when it is a time within the window. A time
-- that looks like ISO 8601 is cast in its own block, so a date such as February 30 is named
-- rather than failing the statement.
create or replace function {{schema}}.run_at_problem(run_at text) returns text
language plpgsql stable
set search_path = pg_catalog, pg_temp
as $fn$
declare
    v_time timestamptz;
begin
    if run_at ~* '^[+-]?infinity$' then
        return 'run_at must be between 2000-01-01 and 3653 days (10 years) from now (got ' || run_at || ')';
    end if;
    if run_at !~ '^\d{4,}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}(:?\d{2})?)?( BC| AD)?$' then
        return 'run_at must be an ISO 8601 timestamp string';
    end if;
    begin
        v_time := run_at::timestamptz;
    exception when data_exception then
        return 'run_at must be an ISO 8601 timestamp string (' || sqlerrm || ')';
    end;
    if v_time < timestamptz '2000-01-01 00:00:00+00' then
        return 'run_at must not be before 2000-01-01 (got ' || run_at || '); any later time in the past means now';
    end if;
    if v_time > now() + interval '3653 days' then
        return 'run_at must be at most 3653 days (10 years) from now (got ' || run_at || ')';
    end if;
    return null;
end;
$fn$;

-- As in 0002, with the run time window, the bound on delay_ms and at most 20 tags.
create or replace function {{schema}}.enqueue_problem(jobs jsonb, out job_position integer, out problem text)
language plpgsql stable
set search_path = pg_catalog, pg_temp
as $fn$
begin
    if jobs is null or jsonb_typeof(jobs) <> 'array' then
        job_position := 0;
        problem := 'jobs must be a JSON array of job objects';
        return;
    end if;

    -- The checks are sequential WHEN branches so a cast only runs once the value's JSON type has
    -- been checked. A run_at string is judged once per job, in the lateral below.
    select x.pos, x.problem into job_position, problem
      from (select e.ordinality::integer as pos, case
                when jsonb_typeof(e.value) <> 'object' then 'must be a JSON object'
                when coalesce(jsonb_typeof(e.value -> 'kind'), 'null') <> 'string' or e.value ->> 'kind' = ''
                    then 'kind is required and must be a non-empty string'
                when char_length(e.value ->> 'kind') > 128 then 'kind must be at most 128 characters'
                when coalesce(jsonb_typeof(e.value -> 'args'), 'null') not in ('object', 'null')
                    then 'args must be a JSON object'
                when coalesce(jsonb_typeof(e.value -> 'queue'), 'null') not in ('string', 'null')
                    then 'queue must be a string'
                when (e.value ->> 'queue') !~ '^[A-Za-z0-9_.:-]+$' or char_length(e.value ->> 'queue') not between 1 and 64
                    then 'queue must be 1 to 64 letters, digits or _ . : -'
                when coalesce(jsonb_typeof(e.value -> 'priority'), 'null') not in ('number', 'null')
                    then 'priority must be an integer between -32768 and 32767'
                when (e.value ->> 'priority')::numeric not between -32768 and 32767
                     or (e.value ->> 'priority')::numeric % 1 <> 0
                    then 'priority must be an integer between -32768 and 32767'
                when coalesce(jsonb_typeof(e.value -> 'max_attempts'), 'null') not in ('number', 'null')
                    then 'max_attempts must be an integer between 1 and 32767'
                when (e.value ->> 'max_attempts')::numeric not between 1 and 32767
                     or (e.value ->> 'max_attempts')::numeric % 1 <> 0
                    then 'max_attempts must be an integer between 1 and 32767'
                when coalesce(jsonb_typeof(e.value -> 'timeout_ms'), 'null') not in ('number', 'null')
                    then 'timeout_ms must be a positive number of milliseconds'
                when (e.value ->> 'timeout_ms')::numeric not between 1 and 2147483647
                    then 'timeout_ms must be a positive number of milliseconds'
                when coalesce(jsonb_typeof(e.value -> 'delay_ms'), 'null') not in ('number', 'null')
                    then 'delay_ms must be a number of milliseconds, zero or more'
                when (e.value ->> 'delay_ms')::numeric < 0
                    then 'delay_ms must be a number of milliseconds, zero or more'
                when (e.value ->> 'delay_ms')::numeric > 3653 * 86400000::numeric
                    then 'delay_ms must be at most 3653 days (10 years) of milliseconds (315619200000)'
                when coalesce(jsonb_typeof(e.value -> 'run_at'), 'null') not in ('string', 'null')
                    then 'run_at must be an ISO 8601 timestamp string'
                when r.run_at_problem is not null then r.run_at_problem
                when jsonb_typeof(e.value -> 'run_at') = 'string' and jsonb_typeof(e.value -> 'delay_ms') = 'number'
                    then 'give run_at or delay_ms, not both'
                when coalesce(jsonb_typeof(e.value -> 'tags'), 'null') not in ('array', 'null')
                    then 'tags must be an array of at most 20 strings of 1 to 100 characters'
                when jsonb_typeof(e.value -> 'tags') = 'array' and (jsonb_array_length(e.value -> 'tags') > 20 or exists (
                        select 1 from jsonb_array_elements(e.value -> 'tags') t
                         where jsonb_typeof(t) <> 'string' or char_length(t #>> '{}') not between 1 and 100))
                    then 'tags must be an array of at most 20 strings of 1 to 100 characters'
                when coalesce(jsonb_typeof(e.value -> 'correlation_id'), 'null') not in ('string', 'null')
                     or char_length(e.value ->> 'correlation_id') > 200
                    then 'correlation_id must be a string of at most 200 characters'
                when coalesce(jsonb_typeof(e.value -> 'partition_key'), 'null') not in ('string', 'null')
                     or char_length(e.value ->> 'partition_key') not between 1 and 200
                    then 'partition_key must be a string of 1 to 200 characters'
                when coalesce(jsonb_typeof(e.value -> 'idempotency_key'), 'null') not in ('string', 'null')
                     or char_length(e.value ->> 'idempotency_key') not between 1 and 512
                    then 'idempotency_key must be a string of 1 to 512 characters'
                when coalesce(jsonb_typeof(e.value -> 'metadata'), 'null') not in ('object', 'null')
                    then 'metadata must be a JSON object'
            end as problem
              from jsonb_array_elements(jobs) with ordinality as e
             cross join lateral (select case when jsonb_typeof(e.value -> 'run_at') = 'string'
                                             then {{schema}}.run_at_problem(e.value ->> 'run_at') end as run_at_problem) r) x
     where x.problem is not null
     order by x.pos
     limit 1;
end;
$fn$;
