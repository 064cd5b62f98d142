-- Signed-in operator sessions, kept on the server. The dashboard's cookie carries a random token
-- (256 bits) of which only the SHA-256 is kept here; every request looks its session up by it (one
-- unique-index probe, joined to the operator by primary key). Signing out, disabling the account or
-- changing its password ends the session here, so a copy of the cookie stops working at once
-- instead of when the cookie would have expired.
create table {{schema}}.operator_session (
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
-- An operator's sessions, for ending them all (disable, password change) and pruning at sign-in.
create index operator_session_operator on {{schema}}.operator_session (operator_id);
