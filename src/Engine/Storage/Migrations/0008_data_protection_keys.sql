-- The dashboard's ASP.NET Core data protection key ring (it protects the session, antiforgery and
-- sign-in device cookies), shared by every dashboard instance on this database and kept across
-- restarts. Each row is one key element as XML whose key material is encrypted under
-- App:Webhooks:SecretKey (AES-256-GCM); rows are only added, never changed.
create table {{schema}}.data_protection_key (
    id            bigint      generated always as identity primary key,
    friendly_name text        collate "C" not null,
    xml           text        not null,
    created_at    timestamptz not null default now()
);
