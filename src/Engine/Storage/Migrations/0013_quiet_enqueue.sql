-- Enqueues that wake servers without holding every other enqueue back.
--
-- PostgreSQL serializes the commits of transactions that sent a NOTIFY: each takes one lock for the
-- whole database before it commits and holds it until its commit is flushed, so concurrent enqueues
-- that notify wait for each other's WAL flush instead of sharing one (measured here on 2 cores: 1,730
-- single-job enqueues per second from 10 connections with the notification, 4,420 without; 1,580 vs
-- 2,030 from one). A notification sent by its own transaction, one that writes nothing, holds the
-- lock only for an instant and flushes nothing.
--
-- insert_jobs(jobs, notify) is insert_jobs as in 0007 that returns its wake-ups (wake: 'q:<queue>'
-- per queue that received runnable work, 's' when work was scheduled) and sends them only when
-- notify is true. The engine's client passes false when the enqueue is its own transaction (it then
-- sends the wake-ups once the insert committed, as a statement of their own) and true on a caller's
-- transaction, where the wake-ups must go out with the caller's commit. insert_jobs(jobs) keeps its
-- meaning for SQL callers: it notifies.

create function {{schema}}.insert_jobs(jobs jsonb, notify boolean, out ids bigint[], out created boolean[], out wake text[])
language plpgsql volatile
set search_path = pg_catalog, pg_temp
as $fn$
declare
    v_count     integer := jsonb_array_length(jobs);
    v_kinds     jsonb;
    v_parents   jsonb;
    v_problem   text;
    v_given_ids boolean := jsonb_path_exists(jobs, '$[*].id');
    v_inserted  bigint[];
    v_queues    text[];
    v_scheduled boolean;
begin
    if v_given_ids then
        select 'job ' || e.ordinality || ': ' || case
                   when jsonb_typeof(e.value -> 'id') <> 'number' or (e.value ->> 'id')::numeric % 1 <> 0
                        or (e.value ->> 'id')::numeric < 1
                       then 'id must be a positive whole number'
                   when (e.value ->> 'id')::numeric > (select s.last_value from {{schema}}.job_id_seq s)
                       then 'id ' || (e.value ->> 'id') || ' was not reserved (reserve ids from the job id sequence first)'
               end
          into v_problem
          from jsonb_array_elements(jobs) with ordinality as e
         where e.value ? 'id'
           and (jsonb_typeof(e.value -> 'id') <> 'number' or (e.value ->> 'id')::numeric % 1 <> 0 or (e.value ->> 'id')::numeric < 1
                or (e.value ->> 'id')::numeric > (select s.last_value from {{schema}}.job_id_seq s))
         order by e.ordinality
         limit 1;
        if v_problem is not null then
            raise exception 'enqueue: %', v_problem using errcode = 'invalid_parameter_value';
        end if;
    end if;

    if jsonb_path_exists(jobs, '$[*].after') then
        select 'job ' || e.ordinality || ': ' || case
                   when jsonb_typeof(e.value -> 'after') <> 'number' or (e.value ->> 'after')::numeric % 1 <> 0
                        or (e.value ->> 'after')::numeric < 1
                       then 'after must be the id of the job this one continues'
                   else 'continue_when must be ''succeeded'' or ''finished'''
               end
          into v_problem
          from jsonb_array_elements(jobs) with ordinality as e
         where (e.value ? 'after' and (jsonb_typeof(e.value -> 'after') <> 'number' or (e.value ->> 'after')::numeric % 1 <> 0
                                      or (e.value ->> 'after')::numeric < 1))
            or (e.value ? 'continue_when' and coalesce(e.value ->> 'continue_when', '') not in ('succeeded', 'finished'))
         order by e.ordinality
         limit 1;
        if v_problem is not null then
            raise exception 'enqueue: %', v_problem using errcode = 'invalid_parameter_value';
        end if;

        -- Lock every parent, in id order (as completions lock theirs), and read its state under the lock.
        with marked as (
            update {{schema}}.job p
               set has_dependents = true
             where p.id = any (array(select distinct (e.value ->> 'after')::bigint
                                       from jsonb_array_elements(jobs) e where e.value ? 'after' order by 1))
            returning p.id, p.state
        )
        select jsonb_object_agg(m.id::text, m.state) into v_parents from marked m;

        select 'job ' || e.ordinality || ': job ' || (e.value ->> 'after') || ', which it continues (after), does not exist'
          into v_problem
          from jsonb_array_elements(jobs) with ordinality as e
         where e.value ? 'after' and (v_parents is null or not v_parents ? (e.value ->> 'after'))
         order by e.ordinality
         limit 1;
        if v_problem is not null then
            raise exception 'enqueue: %', v_problem using errcode = 'invalid_parameter_value';
        end if;
    end if;

    -- Ids are drawn first, one per position, so every inserted row maps back to its position.
    if v_given_ids then
        ids := array(select coalesce((e.value ->> 'id')::bigint, nextval('{{schema}}.job_id_seq'))
                       from jsonb_array_elements(jobs) with ordinality as e order by e.ordinality);
    else
        ids := array(select nextval('{{schema}}.job_id_seq') from generate_series(1, v_count));
    end if;
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
                                         idempotency_key, metadata, parent_id, continue_when, finalized_at, errors)
        select ids[p.pos], p.kind,
               coalesce(p.queue, v_kinds -> p.kind ->> 'queue', 'default'),
               p.state,
               coalesce(p.priority, (v_kinds -> p.kind ->> 'priority')::smallint, 0),
               p.args,
               coalesce(p.max_attempts, (v_kinds -> p.kind ->> 'max_attempts')::smallint, 25),
               coalesce((v_kinds -> p.kind ->> 'limited')::boolean, false),
               coalesce(p.run_at, now()),
               p.timeout_ms, p.tags, p.correlation_id, p.partition_key, p.idempotency_key, p.metadata,
               p.after, p.continue_when,
               case when p.state = 'cancelled' then now() end,
               case when p.state = 'cancelled' then jsonb_build_array(jsonb_build_object(
                   'attempt', 0, 'at', now(), 'type', 'parent_cancelled',
                   'error', 'Job ' || p.after || ', which this job continues, was cancelled; this job runs only after it succeeds.')) end
          from (select r.*,
                       case when r.after is null
                              or v_parents ->> r.after::text = 'succeeded'
                              or (v_parents ->> r.after::text = 'cancelled' and r.continue_when = 'finished')
                            then case when r.run_at > now() then 'scheduled' else 'available' end
                            when v_parents ->> r.after::text = 'cancelled' then 'cancelled'
                            else 'awaiting'
                       end as state
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
                               case when jsonb_typeof(e.value -> 'metadata') = 'object' then e.value -> 'metadata' end as metadata,
                               (e.value ->> 'after')::bigint as after,
                               case when e.value ? 'after' then coalesce(e.value ->> 'continue_when', 'succeeded') end as continue_when
                          from jsonb_array_elements(jobs) with ordinality as e) r) p
        -- Rows go in as the array function produces them, in input order: of two jobs with one
        -- idempotency key, the first is the one created.
        on conflict (kind, idempotency_key) where idempotency_key is not null do nothing
        returning j.id, j.queue, j.state
    )
    select array_agg(i.id), array_agg(distinct i.queue) filter (where i.state = 'available'),
           coalesce(bool_or(i.state = 'scheduled'), false)
      into v_inserted, v_queues, v_scheduled
      from inserted i;

    -- One wake-up per queue that received runnable work, and one for the promoters when work was
    -- scheduled, so they can wake in time for it: sent here (delivered when the caller commits) when
    -- notify is true, else only returned, for the caller to send once the insert has committed.
    wake := array(select 'q:' || q from unnest(v_queues) as q)
            || case when v_scheduled then array['s'] else array[]::text[] end;
    if notify then
        perform pg_notify('{{schema}}_events', w) from unnest(wake) as w;
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

create or replace function {{schema}}.insert_jobs(jobs jsonb, out ids bigint[], out created boolean[])
language sql volatile
set search_path = pg_catalog, pg_temp
as $fn$
    select i.ids, i.created from {{schema}}.insert_jobs(jobs, true) as i;
$fn$;
