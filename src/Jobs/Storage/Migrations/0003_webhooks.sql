-- Webhook delivery (Jobs/Webhooks): endpoints, messages, one delivery per (message, endpoint) and
-- every attempt of it. {{schema}} is the business schema. The engine job of a delivery is
-- `webhook.deliver` with idempotency key 'webhook:{message}:{endpoint}' and the endpoint id as
-- partition key (per-endpoint concurrency limit).

create table {{schema}}.webhook_endpoint (
    id                         bigint generated always as identity primary key,
    url                        text        not null,
    description                text        not null default '',
    -- null: every event type; otherwise only these.
    event_types                text[],
    -- AES-GCM ciphertexts (see WebhookSecrets): never the secret itself.
    secret                     bytea       not null,
    -- The secret before the last rotation, signed with too until it expires.
    previous_secret            bytea,
    previous_secret_expires_at timestamptz,
    enabled                    boolean     not null default true,
    disabled_reason            text,
    disabled_at                timestamptz,
    -- Start of the current run of failed attempts; null after a delivery succeeds.
    failing_since              timestamptz,
    created_at                 timestamptz not null default now(),
    updated_at                 timestamptz not null default now(),
    constraint webhook_endpoint_url_http check (url ~* '^https?://' and char_length(url) <= 2000),
    constraint webhook_endpoint_event_types_valid check (event_types is null or cardinality(event_types) > 0),
    constraint webhook_endpoint_description_valid check (char_length(description) <= 1000),
    constraint webhook_endpoint_previous_secret_expires check ((previous_secret is null) = (previous_secret_expires_at is null)),
    -- A disabled endpoint always says why and since when; an enabled one carries neither.
    constraint webhook_endpoint_disabled_reason check (
        (enabled and disabled_reason is null and disabled_at is null)
        or (not enabled and disabled_reason is not null and disabled_at is not null))
);

create table {{schema}}.webhook_message (
    -- The webhook-id header: stable across retries, so receivers can drop duplicates.
    id         text        collate "C" primary key,
    event_type text        collate "C" not null,
    payload    jsonb       not null,
    created_at timestamptz not null default now(),
    constraint webhook_message_id_valid check (id ~ '^[A-Za-z0-9_.:-]+$' and char_length(id) <= 200),
    constraint webhook_message_event_type_valid check (event_type ~ '^[A-Za-z0-9_.:-]+$' and char_length(event_type) <= 200)
);

-- Retention and time-range listings scan messages in creation order.
create index webhook_message_created on {{schema}}.webhook_message using brin (created_at);

create table {{schema}}.webhook_delivery (
    message_id       text        collate "C" not null references {{schema}}.webhook_message (id) on delete cascade,
    endpoint_id      bigint      not null references {{schema}}.webhook_endpoint (id) on delete cascade,
    -- The engine job that delivers it (its id may outlive the job after retention prunes it).
    job_id           bigint,
    -- pending: attempts may follow; delivered: a 2xx came back; failed: given up (attempts
    -- spent, endpoint disabled or gone, address blocked). An operator requeue makes it pending again.
    status           text        collate "C" not null default 'pending',
    attempts         integer     not null default 0,
    last_status_code integer,
    last_error       text,
    last_latency_ms  double precision,
    last_attempt_at  timestamptz,
    delivered_at     timestamptz,
    created_at       timestamptz not null default now(),
    primary key (message_id, endpoint_id),
    constraint webhook_delivery_status_valid check (status in ('pending', 'delivered', 'failed')),
    constraint webhook_delivery_delivered_at check ((status = 'delivered') = (delivered_at is not null)),
    constraint webhook_delivery_attempts_valid check (attempts >= 0)
);

-- An endpoint's deliveries by status (the dashboard's "failed deliveries of this endpoint").
create index webhook_delivery_endpoint on {{schema}}.webhook_delivery (endpoint_id, status, created_at);

create table {{schema}}.webhook_attempt (
    id           bigint generated always as identity primary key,
    message_id   text        collate "C" not null,
    endpoint_id  bigint      not null,
    attempt      integer     not null,
    job_id       bigint      not null,
    attempted_at timestamptz not null,
    -- delivered (2xx), failed (any other answer, network error, timeout, open breaker: retried),
    -- gone (410: endpoint disabled), blocked (SSRF guard), skipped (endpoint disabled, not called).
    outcome      text        collate "C" not null,
    status_code  integer,
    latency_ms   double precision,
    error        text,
    foreign key (message_id, endpoint_id) references {{schema}}.webhook_delivery (message_id, endpoint_id) on delete cascade,
    constraint webhook_attempt_outcome_valid check (outcome in ('delivered', 'failed', 'gone', 'blocked', 'skipped')),
    constraint webhook_attempt_error_iff_not_delivered check ((outcome = 'delivered') = (error is null)),
    constraint webhook_attempt_attempt_valid check (attempt >= 1)
);

-- Success rate and last error of an endpoint over a time window.
create index webhook_attempt_endpoint on {{schema}}.webhook_attempt (endpoint_id, attempted_at);
create index webhook_attempt_delivery on {{schema}}.webhook_attempt (message_id, endpoint_id);

-- Publishes a message from SQL: inserts it and enqueues one webhook.deliver job per enabled endpoint
-- subscribed to its event type, in the caller's transaction; returns the message id. With a
-- message id that already exists, changes nothing and returns it (publishing twice delivers once).
-- engine_schema names the engine's schema (Jobs:Schema).
--
--   select {{schema}}.webhook_publish('invoice.paid', '{"invoiceId": 42}');
create function {{schema}}.webhook_publish(
    event_type    text,
    payload       jsonb,
    message_id    text default null,
    engine_schema text default 'jobs')
returns text
language plpgsql volatile
set search_path = pg_catalog, pg_temp
as $fn$
declare
    v_id   text := coalesce(webhook_publish.message_id, 'msg_' || replace(gen_random_uuid()::text, '-', ''));
    v_jobs jsonb;
begin
    insert into {{schema}}.webhook_message (id, event_type, payload)
    values (v_id, webhook_publish.event_type, webhook_publish.payload)
    on conflict (id) do nothing;
    if not found then
        return v_id;
    end if;

    select coalesce(jsonb_agg(jsonb_build_object(
               'kind', 'webhook.deliver',
               'args', jsonb_build_object('messageId', v_id, 'endpointId', e.id),
               'partition_key', e.id::text,
               'idempotency_key', 'webhook:' || v_id || ':' || e.id,
               'metadata', jsonb_build_object('eventType', webhook_publish.event_type)) order by e.id), '[]')
      into v_jobs
      from {{schema}}.webhook_endpoint e
     where e.enabled and (e.event_types is null or webhook_publish.event_type = any (e.event_types));

    if jsonb_array_length(v_jobs) > 0 then
        execute format(
            'insert into {{schema}}.webhook_delivery (message_id, endpoint_id, job_id)
             select $1, (j.value -> ''args'' ->> ''endpointId'')::bigint, r.id
               from %I.enqueue_many($2) r
               join jsonb_array_elements($2) with ordinality j on j.ordinality = r.ordinal',
            engine_schema)
        using v_id, v_jobs;
    end if;
    return v_id;
end;
$fn$;

comment on function {{schema}}.webhook_publish(text, jsonb, text, text) is
    'Publishes a webhook message: inserts it and enqueues one webhook.deliver job per enabled subscribed endpoint; returns the message id.';
