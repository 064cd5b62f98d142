-- Enqueue from any language with one call. Every enqueue path of the engine (the .NET client, bulk,
-- recurring schedules, the HTTP API) ends in insert_jobs, so defaults, idempotency and wake-ups
-- live in one place; enqueue and enqueue_many add validation with messages that name the problem.
--
--   select {{schema}}.enqueue('email.send', '{"to":"a@example.com"}');
--   select {{schema}}.enqueue('report.build', '{}', queue => 'reports', delay => interval '5 minutes',
--                        idempotency_key => 'report-2026-11-21');
--   select * from {{schema}}.enqueue_many('[{"kind":"email.send","args":{"to":"a@example.com"}}]');
--
-- Job fields in enqueue_many's array (all optional except kind):
--   kind text, args object, queue text, priority integer (higher runs first), run_at timestamptz
--   (ISO 8601), delay_ms number, max_attempts integer, timeout_ms integer, tags [text],
--   correlation_id text, partition_key text, idempotency_key text, metadata object.
-- Defaults come from the kind table (written by servers from their configuration), then
-- queue 'default', priority 0, max_attempts 25.

-- The first problem in a JSON array of jobs, or nothing when every job is valid.
create function {{schema}}.enqueue_problem(jobs jsonb, out job_position integer, out problem text)
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
    -- been checked.
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
                when coalesce(jsonb_typeof(e.value -> 'run_at'), 'null') not in ('string', 'null')
                    then 'run_at must be an ISO 8601 timestamp string'
                when (e.value ->> 'run_at') !~ '^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}(:?\d{2})?)?$'
                    then 'run_at must be an ISO 8601 timestamp string'
                when jsonb_typeof(e.value -> 'run_at') = 'string' and jsonb_typeof(e.value -> 'delay_ms') = 'number'
                    then 'give run_at or delay_ms, not both'
                when coalesce(jsonb_typeof(e.value -> 'tags'), 'null') not in ('array', 'null')
                    then 'tags must be an array of strings of 1 to 100 characters'
                when jsonb_typeof(e.value -> 'tags') = 'array' and exists (
                        select 1 from jsonb_array_elements(e.value -> 'tags') t
                         where jsonb_typeof(t) <> 'string' or char_length(t #>> '{}') not between 1 and 100)
                    then 'tags must be an array of strings of 1 to 100 characters'
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
              from jsonb_array_elements(jobs) with ordinality as e) x
     where x.problem is not null
     order by x.pos
     limit 1;
end;
$fn$;

-- Inserts a JSON array of jobs as one set-based statement, without validating them beyond the
-- table's CHECK constraints: the .NET client validates before calling, SQL callers use
-- enqueue_many. Returns one row: the job id of every position, in order, and whether it was
-- created (false: a job of that kind already held the idempotency key, and its id is returned).
create function {{schema}}.insert_jobs(jobs jsonb, out ids bigint[], out created boolean[])
language plpgsql volatile
set search_path = pg_catalog, pg_temp
as $fn$
declare
    v_count     integer := jsonb_array_length(jobs);
    v_kinds     jsonb;
    v_inserted  bigint[];
    v_queues    text[];
    v_scheduled boolean;
begin
    -- Ids are drawn first, one per position, so every inserted row maps back to its position.
    ids := array(select nextval('{{schema}}.job_id_seq') from generate_series(1, v_count));
    -- The kind policies (a handful of rows) as one object, read per row without a join: a join
    -- would hash or sort every job of a large batch.
    select jsonb_object_agg(k.kind, jsonb_build_object(
               'queue', k.queue, 'priority', k.priority, 'max_attempts', k.max_attempts,
               'limited', k.global_limit is not null or k.partition_limit is not null))
      into v_kinds
      from {{schema}}.kind k;

    with inserted as (
        insert into {{schema}}.job as j (id, kind, queue, state, priority, args, max_attempts, limited,
                                         scheduled_at, timeout_ms, tags, correlation_id, partition_key,
                                         idempotency_key, metadata)
        select ids[p.pos], p.kind,
               coalesce(p.queue, v_kinds -> p.kind ->> 'queue', 'default'),
               case when p.run_at > now() then 'scheduled' else 'available' end,
               coalesce(p.priority, (v_kinds -> p.kind ->> 'priority')::smallint, 0),
               p.args,
               coalesce(p.max_attempts, (v_kinds -> p.kind ->> 'max_attempts')::smallint, 25),
               coalesce((v_kinds -> p.kind ->> 'limited')::boolean, false),
               coalesce(p.run_at, now()),
               p.timeout_ms, p.tags, p.correlation_id, p.partition_key, p.idempotency_key, p.metadata
          from (select e.ordinality::integer as pos,
                       e.value ->> 'kind' as kind,
                       coalesce(case when jsonb_typeof(e.value -> 'args') = 'object' then e.value -> 'args' end, '{}'::jsonb) as args,
                       e.value ->> 'queue' as queue,
                       (e.value ->> 'priority')::numeric::smallint as priority,
                       case when jsonb_typeof(e.value -> 'run_at') = 'string' then (e.value ->> 'run_at')::timestamptz
                            when jsonb_typeof(e.value -> 'delay_ms') = 'number'
                            then now() + (e.value ->> 'delay_ms')::numeric * interval '1 millisecond'
                       end as run_at,
                       (e.value ->> 'max_attempts')::numeric::smallint as max_attempts,
                       (e.value ->> 'timeout_ms')::numeric::integer as timeout_ms,
                       case when jsonb_typeof(e.value -> 'tags') = 'array'
                            then array(select jsonb_array_elements_text(e.value -> 'tags')) end as tags,
                       e.value ->> 'correlation_id' as correlation_id,
                       e.value ->> 'partition_key' as partition_key,
                       e.value ->> 'idempotency_key' as idempotency_key,
                       case when jsonb_typeof(e.value -> 'metadata') = 'object' then e.value -> 'metadata' end as metadata
                  from jsonb_array_elements(jobs) with ordinality as e) p
        -- Rows go in as the array function produces them, in input order: of two jobs with one
        -- idempotency key, the first is the one created.
        on conflict (kind, idempotency_key) where idempotency_key is not null do nothing
        returning j.id, j.queue, j.state
    )
    select array_agg(i.id), array_agg(distinct i.queue) filter (where i.state = 'available'),
           coalesce(bool_or(i.state = 'scheduled'), false)
      into v_inserted, v_queues, v_scheduled
      from inserted i;

    -- One wake-up per queue that received runnable work, delivered when the caller commits; and
    -- one for the promoters when work was scheduled, so they can wake in time for it.
    perform pg_notify('{{schema}}_events', 'q:' || q) from unnest(v_queues) as q;
    if v_scheduled then
        perform pg_notify('{{schema}}_events', 's');
    end if;

    if coalesce(cardinality(v_inserted), 0) = v_count then
        created := array_fill(true, array[v_count]);
        return;
    end if;

    -- Positions that hit an idempotency key get the job that holds it. This runs as a new
    -- statement, so it sees a conflicting job committed by a concurrent transaction.
    select array_agg(coalesce(mine.id, existing.id) order by e.ordinality),
           array_agg(mine.id is not null order by e.ordinality)
      into ids, created
      from jsonb_array_elements(jobs) with ordinality as e
      left join unnest(v_inserted) as mine(id) on mine.id = ids[e.ordinality]
      left join {{schema}}.job existing
        on mine.id is null
       and existing.kind = e.value ->> 'kind'
       and existing.idempotency_key = e.value ->> 'idempotency_key';

    if array_position(ids, null) is not null then
        -- The job that held the key was deleted between our insert and our look-up.
        raise exception 'enqueue: job %: the job holding its idempotency key was deleted meanwhile; enqueue again',
            array_position(ids, null)
            using errcode = 'serialization_failure';
    end if;
end;
$fn$;

create function {{schema}}.enqueue_many(jobs jsonb)
returns table (ordinal integer, id bigint, created boolean)
language plpgsql volatile
set search_path = pg_catalog, pg_temp
as $fn$
declare
    v_position integer;
    v_problem  text;
begin
    select p.job_position, p.problem into v_position, v_problem from {{schema}}.enqueue_problem(jobs) p;
    if v_problem is not null then
        raise exception 'enqueue: %', case when v_position = 0 then v_problem else 'job ' || v_position || ': ' || v_problem end
            using errcode = 'invalid_parameter_value';
    end if;
    return query
        select u.ordinal::integer, u.id, u.created
          from {{schema}}.insert_jobs(jobs) r,
               unnest(r.ids, r.created) with ordinality as u(id, created, ordinal);
end;
$fn$;

comment on function {{schema}}.enqueue_many(jsonb) is
    'Enqueues the jobs of a JSON array in one statement; returns each input position with its job id '
    'and whether it was created (false: an existing job held the idempotency key).';

create function {{schema}}.enqueue(
    kind            text,
    args            jsonb       default '{}',
    queue           text        default null,
    priority        integer     default null,
    run_at          timestamptz default null,
    delay           interval    default null,
    max_attempts    integer     default null,
    timeout         interval    default null,
    tags            text[]      default null,
    correlation_id  text        default null,
    partition_key   text        default null,
    idempotency_key text        default null,
    metadata        jsonb       default null)
returns bigint
language plpgsql volatile
set search_path = pg_catalog, pg_temp
as $fn$
declare
    v_id bigint;
begin
    if enqueue.delay is not null and enqueue.delay < interval '0' then
        raise exception 'enqueue: delay must not be negative (got %)', enqueue.delay
            using errcode = 'invalid_parameter_value';
    end if;
    if enqueue.timeout is not null and enqueue.timeout <= interval '0' then
        raise exception 'enqueue: timeout must be positive (got %)', enqueue.timeout
            using errcode = 'invalid_parameter_value';
    end if;

    select r.id into v_id
      from {{schema}}.enqueue_many(jsonb_build_array(jsonb_strip_nulls(jsonb_build_object(
               'kind', enqueue.kind,
               'args', coalesce(enqueue.args, '{}'::jsonb),
               'queue', enqueue.queue,
               'priority', enqueue.priority,
               'run_at', to_jsonb(enqueue.run_at),
               'delay_ms', extract(epoch from enqueue.delay) * 1000,
               'max_attempts', enqueue.max_attempts,
               'timeout_ms', ceil(extract(epoch from enqueue.timeout) * 1000),
               'tags', to_jsonb(enqueue.tags),
               'correlation_id', enqueue.correlation_id,
               'partition_key', enqueue.partition_key,
               'idempotency_key', enqueue.idempotency_key,
               'metadata', enqueue.metadata)))) as r;
    return v_id;
end;
$fn$;

comment on function {{schema}}.enqueue(text, jsonb, text, integer, timestamptz, interval, integer, interval, text[], text, text, text, jsonb) is
    'Enqueues one job and returns its id; with an idempotency key already held by a job of the same kind, returns that job''s id.';
