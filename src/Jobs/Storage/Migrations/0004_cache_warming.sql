-- Cache warming (cache.warm): one row per run, one row per target of a run, and the validators
-- (ETag, Last-Modified) of each URL's latest successful response for the next run's conditional
-- requests.

create table {{schema}}.cache_run (
    -- job-{id} unless the args name the run: every attempt of a job works on the same run.
    run_id      text        collate "C" primary key,
    job_id      bigint      not null,
    status      text        collate "C" not null default 'running',
    -- Attempts that worked on the run (retries and requeues included).
    attempts    integer     not null default 1,
    started_at  timestamptz not null default now(),
    finished_at timestamptz,
    -- Counts when the run finished.
    targets     integer,
    warm        integer,
    failed      integer,
    constraint cache_run_id_valid check (char_length(run_id) between 1 and 200),
    constraint cache_run_status_valid check (status in ('running', 'warm', 'partial')),
    constraint cache_run_finished_iff_done check ((status = 'running') = (finished_at is null)),
    constraint cache_run_counts_when_done check (status = 'running' or (targets >= 0 and warm >= 0 and failed >= 0 and warm + failed <= targets)),
    constraint cache_run_attempts_positive check (attempts >= 1)
);

-- Retention deletes finished runs by age.
create index cache_run_finished on {{schema}}.cache_run (finished_at) where finished_at is not null;

create table {{schema}}.cache_result (
    run_id       text        collate "C" not null references {{schema}}.cache_run on delete cascade,
    url          text        collate "C" not null,
    -- A sitemap is fetched for the URLs it lists; a page is fetched to warm it.
    is_sitemap   boolean     not null default false,
    -- The sitemap that listed this target; null when it was configured directly.
    listed_by    text,
    --   pending      not requested yet in this run
    --   warm         2xx, body read
    --   not_modified 304 to a conditional request (warm too)
    --   failed       a permanent failure (404, 410, 4xx): recorded, not retried
    --   transient    a timeout, 5xx, 429 or connection error: the next attempt requests it again
    --   gave_up      still transient on the job's last attempt: recorded, the run ends partial
    outcome      text        collate "C" not null default 'pending',
    -- Requests made for this target in this run.
    requests     integer     not null default 0,
    http_status  integer,
    latency_ms   double precision,
    bytes        bigint,
    error        text,
    requested_at timestamptz,
    primary key (run_id, url),
    constraint cache_result_outcome_valid check (outcome in ('pending', 'warm', 'not_modified', 'failed', 'transient', 'gave_up')),
    constraint cache_result_warm_measured check (outcome not in ('warm', 'not_modified')
        or (http_status is not null and latency_ms >= 0 and bytes >= 0 and error is null)),
    constraint cache_result_failure_explained check (outcome not in ('failed', 'transient', 'gave_up') or error is not null),
    constraint cache_result_requested check (requests >= 0 and (outcome = 'pending') = (requests = 0)),
    constraint cache_result_status_valid check (http_status is null or http_status between 100 and 599)
);

create table {{schema}}.cache_validator (
    url           text        collate "C" primary key,
    -- As the server sent them: sent back verbatim in If-None-Match and If-Modified-Since.
    etag          text,
    last_modified text,
    updated_at    timestamptz not null default now(),
    constraint cache_validator_present check (etag is not null or last_modified is not null)
);
