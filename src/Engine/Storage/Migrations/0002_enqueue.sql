-- Enqueue from any language with one call. Every enqueue path of the engine (the .NET client, bulk,
-- recurring schedules, the HTTP API) goes through enqueue_many, so defaults, validation,
-- idempotency and wake-ups live in one place.
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

create function {{schema}}.enqueue_many(jobs jsonb)
returns table (ordinal integer, id bigint, created boolean)
language plpgsql volatile
set search_path = pg_catalog, pg_temp
as $fn$
declare
    v_problem   text;
    v_position  integer;
    v_inserted  bigint[];
    v_positions integer[];
    v_queues    text[];
    v_scheduled boolean;
begin
    if jobs is null or jsonb_typeof(jobs) <> 'array' then
        raise exception 'enqueue_many: jobs must be a JSON array of job objects'
            using errcode = 'invalid_parameter_value';
    end if;

    -- Validate every job before inserting any, and name the first problem found. The checks are
    -- sequential WHEN branches so a cast only runs once the value's JSON type has been checked.
    select x.pos, x.problem into v_position, v_problem
      from (select e.ordinality::integer as pos, case
                when jsonb_typeof(e.value) <> 'object' then 'must be a JSON object'
                when coalesce(jsonb_typeof(e.value -> 'kind'), 'null') <> 'string' or e.value ->> 'kind' = ''
                    then 'kind is required and must be a non-empty string'
                when char_length(e.value ->> 'kind') > 128 then 'kind must be at most 128 characters'
                when coalesce(jsonb_typeof(e.value -> 'args'), 'null') not in ('object', 'null')
                    then 'args must be a JSON object'
                when coalesce(jsonb_typeof(e.value -> 'queue'), 'null') not in ('string', 'null')
                    then 'queue must be a string'
                when (e.value ->> 'queue') !~ '^[A-Za-z0-9_.:-]{1,64}$'
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

    if v_problem is not null then
        raise exception 'enqueue: job %: %', v_position, v_problem
            using errcode = 'invalid_parameter_value';
    end if;

    -- Ids are drawn first so every inserted row maps back to its position in the input, in order.
    with input as (
        select e.ordinality::integer as pos, e.value as v, nextval('{{schema}}.job_id_seq') as new_id
          from jsonb_array_elements(jobs) with ordinality as e
    ), parsed as (
        select i.pos, i.new_id,
               i.v ->> 'kind' as kind,
               coalesce(case when jsonb_typeof(i.v -> 'args') = 'object' then i.v -> 'args' end, '{}'::jsonb) as args,
               i.v ->> 'queue' as queue,
               (i.v ->> 'priority')::numeric::smallint as priority,
               case when jsonb_typeof(i.v -> 'run_at') = 'string' then (i.v ->> 'run_at')::timestamptz
                    when jsonb_typeof(i.v -> 'delay_ms') = 'number' then now() + (i.v ->> 'delay_ms')::numeric * interval '1 millisecond'
               end as run_at,
               (i.v ->> 'max_attempts')::numeric::smallint as max_attempts,
               (i.v ->> 'timeout_ms')::numeric::integer as timeout_ms,
               case when jsonb_typeof(i.v -> 'tags') = 'array'
                    then array(select jsonb_array_elements_text(i.v -> 'tags')) end as tags,
               i.v ->> 'correlation_id' as correlation_id,
               i.v ->> 'partition_key' as partition_key,
               i.v ->> 'idempotency_key' as idempotency_key,
               case when jsonb_typeof(i.v -> 'metadata') = 'object' then i.v -> 'metadata' end as metadata
          from input i
    ), inserted as (
        insert into {{schema}}.job as j (id, kind, queue, state, priority, args, max_attempts, limited,
                                         scheduled_at, timeout_ms, tags, correlation_id, partition_key,
                                         idempotency_key, metadata)
        select p.new_id, p.kind,
               coalesce(p.queue, k.queue, 'default'),
               case when p.run_at > now() then 'scheduled' else 'available' end,
               coalesce(p.priority, k.priority, 0),
               p.args,
               coalesce(p.max_attempts, k.max_attempts, 25),
               coalesce(k.global_limit is not null or k.partition_limit is not null, false),
               coalesce(p.run_at, now()),
               p.timeout_ms, p.tags, p.correlation_id, p.partition_key, p.idempotency_key, p.metadata
          from parsed p
          left join {{schema}}.kind k on k.kind = p.kind
         order by p.pos
        on conflict (kind, idempotency_key) where idempotency_key is not null do nothing
        returning j.id, j.queue, j.state
    )
    select array_agg(p.new_id order by p.pos), array_agg(p.pos order by p.pos),
           array_agg(distinct i.queue) filter (where i.state = 'available'),
           coalesce(bool_or(i.state = 'scheduled'), false)
      into v_inserted, v_positions, v_queues, v_scheduled
      from inserted i
      join parsed p on p.new_id = i.id;

    -- One wake-up per queue that received runnable work, delivered when the caller commits; and
    -- one for the promoters when work was scheduled, so they can wake in time for it.
    perform pg_notify('{{schema}}_events', 'q:' || q) from unnest(v_queues) as q;
    if v_scheduled then
        perform pg_notify('{{schema}}_events', 's');
    end if;

    return query
        select u.pos, u.new_id, true
          from unnest(v_positions, v_inserted) as u(pos, new_id);

    -- Positions that hit an idempotency key: return the job that holds it. This runs as a new
    -- statement, so it sees a conflicting job committed by a concurrent transaction.
    if coalesce(array_length(v_positions, 1), 0) < jsonb_array_length(jobs) then
        return query
            select e.ordinality::integer, existing.id, false
              from jsonb_array_elements(jobs) with ordinality as e
              left join unnest(v_positions) as done(pos) on done.pos = e.ordinality
              join {{schema}}.job existing
                on existing.kind = e.value ->> 'kind'
               and existing.idempotency_key = e.value ->> 'idempotency_key'
             where done.pos is null
             order by e.ordinality;
    end if;
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
