-- Endpoint health without reading a day of attempts: attempts and deliveries per endpoint and
-- hour, added to by the statement that records each attempt, so the dashboard's success rate over
-- the last day sums at most 25 rows per endpoint however busy the endpoint is.
create table {{schema}}.webhook_endpoint_hour (
    endpoint_id bigint      not null references {{schema}}.webhook_endpoint (id) on delete cascade,
    hour        timestamptz not null,
    attempts    bigint      not null default 0,
    delivered   bigint      not null default 0,
    primary key (endpoint_id, hour),
    constraint webhook_endpoint_hour_whole check (hour = date_trunc('hour', hour)),
    constraint webhook_endpoint_hour_counts check (attempts >= 0 and delivered >= 0 and delivered <= attempts)
);

insert into {{schema}}.webhook_endpoint_hour (endpoint_id, hour, attempts, delivered)
select a.endpoint_id, date_trunc('hour', a.attempted_at), count(*), count(*) filter (where a.outcome = 'delivered')
  from {{schema}}.webhook_attempt a
  join {{schema}}.webhook_endpoint e on e.id = a.endpoint_id
 group by 1, 2;

-- An endpoint's latest failure, found at once however many deliveries succeeded since.
create index webhook_attempt_failed on {{schema}}.webhook_attempt (endpoint_id, attempted_at desc) where outcome <> 'delivered';
