-- Operator accounts, their sessions, API keys, the audit log and the dashboard's key ring move out of
-- the engine's schema into this one (issue 13: the engine holds jobs alone).
--
-- Until this migration the engine's own migrations made these tables in the engine's schema: 0004
-- (operator, api_key, audit; its job_stats stays with the engine), 0006 (operator_session) and 0008
-- (data_protection_key). Those migrations are not changed or removed: databases have applied them and
-- the migrator compares what was applied by checksum. So on every database, an existing one or a
-- fresh one, the engine's migrations have made the tables in the engine's schema ({{engine}}) before
-- this runs (it is a startup task, run after the engine's migrations), and there is one path:
--
--   1. Every table found in the engine's schema is adopted with ALTER TABLE ... SET SCHEMA. That keeps
--      its rows, its identity sequence (and so the next id), indexes, constraints, the session's
--      foreign key to its operator, and grants; nothing is copied. It commits with this migration's
--      history row under the migration lock, so a process sees either every table moved and the
--      migration recorded, or neither, and a second process only finds the migration applied.
--   2. A table not found there (an engine schema whose history never made it) is created here, empty,
--      as the engine's migrations made it; when it was adopted, `if not exists` leaves it as it is.
--
-- A build from before the move still looks for these tables in the engine's schema: once the first
-- new process has started, old dashboards fail to sign in or to check API keys until they are
-- replaced, so deploy every dashboard and worker of a database together.
do $$
declare
    name text;
begin
    -- operator before operator_session, whose foreign key points at it (the key follows either way).
    foreach name in array array['operator', 'operator_session', 'api_key', 'audit', 'data_protection_key'] loop
        if to_regclass(format('%I.%I', '{{engine}}', name)) is not null and to_regclass(format('%I.%I', '{{schema}}', name)) is null then
            execute format('alter table %I.%I set schema %I', '{{engine}}', name, '{{schema}}');
        end if;
    end loop;
end
$$;

-- People who operate the platform through the dashboard. Passwords are stored as the host's
-- password hasher leaves them (salted, iterated); this schema never sees a password.
create table if not exists {{schema}}.operator (
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

-- Signed-in operator sessions; the cookie carries a random token of which only the SHA-256 is kept.
create table if not exists {{schema}}.operator_session (
    id           bigint      generated always as identity primary key,
    operator_id  bigint      not null references {{schema}}.operator (id) on delete cascade,
    token_hash   bytea       not null unique,
    created_at   timestamptz not null,
    last_seen_at timestamptz not null,
    ended_at     timestamptz,
    end_reason   text        collate "C",
    constraint operator_session_token_hash_length check (octet_length(token_hash) = 32),
    constraint operator_session_ended_with_reason check ((ended_at is null) = (end_reason is null)),
    constraint operator_session_end_reason_valid check (end_reason in ('signed out', 'disabled', 'password changed')),
    constraint operator_session_seen_after_created check (last_seen_at >= created_at)
);
create index if not exists operator_session_operator on {{schema}}.operator_session (operator_id);

-- Keys other applications use on the HTTP API: only a SHA-256 of the key (256 random bits) is kept.
create table if not exists {{schema}}.api_key (
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

-- Every operator action: who, what, on what, how many jobs, when. Written in the transaction of the
-- action it records (the same database as the engine's schema, so one transaction spans both).
create table if not exists {{schema}}.audit (
    id         bigint      generated always as identity primary key,
    at         timestamptz not null default now(),
    actor      text        not null,
    actor_kind text        collate "C" not null,
    action     text        collate "C" not null,
    target     text,
    job_count  bigint,
    details    jsonb,
    constraint audit_actor_kind_valid check (actor_kind in ('operator', 'api_key', 'system')),
    constraint audit_job_count_valid check (job_count is null or job_count >= 0)
);
create index if not exists audit_at on {{schema}}.audit (at desc, id desc);

-- The dashboard's ASP.NET Core data protection key ring, one key element as XML a row, its key
-- material encrypted under App:Webhooks:SecretKey; rows are only added.
create table if not exists {{schema}}.data_protection_key (
    id            bigint      generated always as identity primary key,
    friendly_name text        collate "C" not null,
    xml           text        not null,
    created_at    timestamptz not null default now()
);
