-- Claiming jobs of kinds with a global or per-partition concurrency limit.
--
-- Unlimited jobs are claimed by one UPDATE with FOR UPDATE SKIP LOCKED (Storage/JobSql.cs). A
-- limit cannot be enforced that way: two servers claiming at once would each count the same
-- running jobs and together exceed it. Here every claim of a limited kind first takes a
-- transaction-scoped advisory lock on the kind, then counts the running jobs in a fresh snapshot
-- (plpgsql takes one per statement), so each claimer sees the claims committed before it. Kinds are
-- locked in name order, so two claimers never wait on each other in a cycle. The lock is held
-- until the claiming transaction commits: claims of one limited kind are serialized, claims of
-- other kinds and all completions are not.
create function {{schema}}.claim_limited(p_queue text, p_kinds text[], p_capacity integer, p_server text)
returns setof {{schema}}.job
language plpgsql volatile
set search_path = pg_catalog, pg_temp
as $fn$
declare
    k           record;
    v_left      integer := p_capacity;
    v_take      integer;
    v_running   integer;
    v_ids       bigint[];
    v_claimed   integer;
begin
    if exists (select 1 from {{schema}}.queue q where q.name = p_queue and q.paused_at is not null) then
        return;
    end if;
    for k in
        select l.kind, l.global_limit, l.partition_limit
          from {{schema}}.kind l
         where l.kind = any (p_kinds)
           and (l.global_limit is not null or l.partition_limit is not null)
         order by l.kind
    loop
        exit when v_left <= 0;
        v_ids := null;
        -- Cheap look before taking the lock: nothing waiting, nothing to serialize.
        continue when not exists (
            select 1 from {{schema}}.job j
             where j.state = 'available' and j.limited and j.queue = p_queue and j.kind = k.kind);

        perform pg_advisory_xact_lock(hashtext('{{schema}}.limit'), hashtext(k.kind));

        v_take := v_left;
        if k.global_limit is not null then
            select count(*) into v_running
              from {{schema}}.job j
             where j.server_id is not null and j.limited and j.kind = k.kind;
            v_take := least(v_take, k.global_limit - v_running);
        end if;
        continue when v_take <= 0;

        if k.partition_limit is null then
            select array_agg(c.id) into v_ids
              from (select j.id
                      from {{schema}}.job j
                     where j.state = 'available' and j.limited and j.queue = p_queue and j.kind = k.kind
                     order by j.priority desc, j.scheduled_at, j.id
                     limit v_take) c;
        else
            -- Walk the distinct partition keys that have waiting jobs (a skip scan over the index:
            -- one probe per partition, however many jobs wait in each) and take from each no more
            -- than its free slots; jobs without a partition key are bound by the global limit only.
            with recursive parts(pk) as (
                (select j.partition_key
                   from {{schema}}.job j
                  where j.state = 'available' and j.limited and j.partition_key is not null
                    and j.queue = p_queue and j.kind = k.kind
                  order by j.partition_key
                  limit 1)
                union all
                select (select j.partition_key
                          from {{schema}}.job j
                         where j.state = 'available' and j.limited and j.partition_key is not null
                           and j.queue = p_queue and j.kind = k.kind and j.partition_key > parts.pk
                         order by j.partition_key
                         limit 1)
                  from parts
                 where parts.pk is not null
            ), busy as (
                select j.partition_key as pk, count(*) as n
                  from {{schema}}.job j
                 where j.server_id is not null and j.limited and j.kind = k.kind and j.partition_key is not null
                 group by j.partition_key
            ), candidates as (
                select c.id, c.priority, c.scheduled_at
                  from parts p
                  left join busy b on b.pk = p.pk
                 cross join lateral (
                       select j.id, j.priority, j.scheduled_at
                         from {{schema}}.job j
                        where j.state = 'available' and j.limited and j.partition_key = p.pk
                          and j.queue = p_queue and j.kind = k.kind
                        order by j.priority desc, j.scheduled_at, j.id
                        limit greatest(k.partition_limit - coalesce(b.n, 0), 0)) c
                 where p.pk is not null
                union all
                select u.id, u.priority, u.scheduled_at
                  from (select j.id, j.priority, j.scheduled_at
                          from {{schema}}.job j
                         where j.state = 'available' and j.limited and j.partition_key is null
                           and j.queue = p_queue and j.kind = k.kind
                         order by j.priority desc, j.scheduled_at, j.id
                         limit v_take) u
            )
            select array_agg(c.id) into v_ids
              from (select id from candidates order by priority desc, scheduled_at, id limit v_take) c;
        end if;

        continue when v_ids is null;

        -- Operators may cancel or delete a candidate meanwhile: the state is checked again under
        -- the row lock the update takes.
        return query
            update {{schema}}.job j
               set state = 'running', attempt = j.attempt + 1, attempted_at = now(), attempted_by = p_server,
                   server_id = p_server
             where j.id = any (v_ids) and j.state = 'available'
            returning j.*;
        get diagnostics v_claimed = row_count;
        v_left := v_left - v_claimed;
    end loop;
end;
$fn$;

comment on function {{schema}}.claim_limited(text, text[], integer, text) is
    'Claims up to p_capacity available jobs of the given limited kinds in p_queue for server p_server, '
    'never exceeding a kind''s global limit or a partition''s limit across all servers.';
