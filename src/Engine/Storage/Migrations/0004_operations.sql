-- What operators and their tools need beside the jobs: throughput history, operator accounts, API
-- keys for other applications, and an audit log of every operator action.

-- Attempts ended per minute, queue, kind and outcome, added up by the servers that ran them
-- (each flushes its counts every few seconds). Dashboards chart throughput from here instead of
-- counting the job table, and retention prunes it with the jobs.
create table {{schema}}.job_stats (
    minute    timestamptz not null,
    queue     text        collate "C" not null,
    kind      text        collate "C" not null,
    succeeded bigint      not null default 0,
    failed    bigint      not null default 0,
    dead      bigint      not null default 0,
    primary key (minute, queue, kind),
    constraint job_stats_counts_valid check (succeeded >= 0 and failed >= 0 and dead >= 0),
    constraint job_stats_whole_minute check (minute = date_trunc('minute', minute))
);

-- People who operate the platform through the dashboard. Passwords are stored as the host's
-- password hasher leaves them (salted, iterated); the engine never sees a password.
create table {{schema}}.operator (
    id            bigint      generated always as identity primary key,
    username      text        collate "C" not null unique,
    password_hash text        not null,
    role          text        collate "C" not null,
    created_at    timestamptz not null default now(),
    created_by    text        not null,
    disabled_at   timestamptz,
    failed_logins integer     not null default 0,
    locked_until  timestamptz,
    last_login_at timestamptz,
    constraint operator_username_valid check (username ~ '^[A-Za-z0-9_.@-]+$' and char_length(username) <= 64),
    constraint operator_role_valid check (role in ('viewer', 'operator', 'admin')),
    constraint operator_failed_logins_valid check (failed_logins >= 0)
);

-- Keys other applications use on the HTTP API. Only a SHA-256 of the key is kept (keys are 256
-- random bits, so a fast hash is safe); the key itself is shown once, at creation. The prefix
-- identifies a key in lists and logs without revealing it.
create table {{schema}}.api_key (
    id           bigint      generated always as identity primary key,
    name         text        not null,
    prefix       text        collate "C" not null unique,
    key_hash     bytea       not null unique,
    role         text        collate "C" not null,
    kinds        text[],
    queues       text[],
    created_at   timestamptz not null default now(),
    created_by   text        not null,
    revoked_at   timestamptz,
    last_used_at timestamptz,
    constraint api_key_role_valid check (role in ('producer', 'operator')),
    constraint api_key_hash_length check (octet_length(key_hash) = 32),
    constraint api_key_name_valid check (char_length(name) between 1 and 200)
);

-- Every operator action: who, what, on what, how many jobs, when.
create table {{schema}}.audit (
    id        bigint      generated always as identity primary key,
    at        timestamptz not null default now(),
    actor     text        not null,
    actor_kind text       collate "C" not null,
    action    text        collate "C" not null,
    target    text,
    job_count bigint,
    details   jsonb,
    constraint audit_actor_kind_valid check (actor_kind in ('operator', 'api_key', 'system')),
    constraint audit_job_count_valid check (job_count is null or job_count >= 0)
);
create index audit_at on {{schema}}.audit (at desc, id desc);
