-- Inventory reconciliation (src/Jobs/Inventory): the stock of record, one run per warehouse count
-- snapshot, a discrepancy per differing SKU, and the append-only audit of every adjustment.
-- {{schema}} is replaced by the business schema.

-- The warehouses the stock of record knows. snapshot_source says where the warehouse publishes its
-- count snapshots: 'http' (App:Inventory:WarehouseUrl) or 'file' (App:Inventory:SnapshotDirectory).
create table {{schema}}.warehouse (
    code            text        collate "C" primary key,
    name            text        not null,
    snapshot_source text        collate "C" not null default 'http',
    created_at      timestamptz not null default now(),
    -- Codes become URL and path segments: letters, digits, '-' and '_' only.
    constraint warehouse_code_valid check (code ~ '^[A-Za-z0-9_-]+$' and char_length(code) <= 64),
    constraint warehouse_snapshot_source_valid check (snapshot_source in ('http', 'file'))
);

-- The stock of record. Every change of quantity bumps version and (unless the writer sets it)
-- updated_at, through the trigger below, whoever writes: reconciliation compares and sets on them.
create table {{schema}}.stock (
    warehouse  text        collate "C" not null references {{schema}}.warehouse (code),
    sku        text        collate "C" not null,
    quantity   integer     not null,
    version    bigint      not null default 1,
    updated_at timestamptz not null default now(),
    primary key (warehouse, sku),
    constraint stock_quantity_non_negative check (quantity >= 0),
    constraint stock_sku_valid check (char_length(sku) between 1 and 128)
);

create function {{schema}}.stock_touch() returns trigger language plpgsql as $$
begin
    new.version := old.version + 1;
    if new.updated_at = old.updated_at then
        new.updated_at := now();
    end if;
    return new;
end
$$;

create trigger stock_touch before update on {{schema}}.stock
    for each row when (new.quantity is distinct from old.quantity)
    execute function {{schema}}.stock_touch();

-- One run per (warehouse, snapshot): the unique index makes a second run of a snapshot a no-op.
-- A dry run has its own slot, replaced by the next dry run of the snapshot. A run is written in the
-- same transaction as everything it did, so a run row exists only for a run that finished.
create table {{schema}}.inventory_run (
    id                bigint      generated always as identity primary key,
    warehouse         text        collate "C" not null references {{schema}}.warehouse (code),
    snapshot_id       text        collate "C" not null,
    dry_run           boolean     not null,
    full_count        boolean     not null,
    -- Where the snapshot was read: its URL or file path.
    source            text        not null,
    job_id            bigint,
    tolerance_units   integer     not null,
    tolerance_percent numeric     not null,
    skus_counted      integer     not null default 0,
    -- The earliest and latest counted_at of the snapshot (null when it counted nothing).
    counted_from      timestamptz,
    counted_to        timestamptz,
    -- Outcomes: for a dry run, what a real run would have done.
    discrepancies     integer     not null default 0,
    applied           integer     not null default 0,
    pending_review    integer     not null default 0,
    stale             integer     not null default 0,
    -- Milliseconds per phase (load, validate, compare, apply), for operators and the benchmark.
    phase_ms          jsonb       not null default '{}',
    reconciled_at     timestamptz not null default now(),
    constraint inventory_run_snapshot_id_valid check (snapshot_id ~ '^[A-Za-z0-9][A-Za-z0-9._-]*$' and char_length(snapshot_id) <= 128),
    constraint inventory_run_counts_valid check (skus_counted >= 0 and applied >= 0 and pending_review >= 0 and stale >= 0
        and discrepancies = applied + pending_review + stale),
    constraint inventory_run_tolerance_valid check (tolerance_units >= 0 and tolerance_percent >= 0)
);

create unique index inventory_run_snapshot on {{schema}}.inventory_run (warehouse, snapshot_id, dry_run);

-- A SKU whose count differs from the stock of record, with what was compared (the stock row's
-- version and updated_at) and what became of it:
--   action  (at run time) adjust: within tolerance | review: over tolerance | stale: stock moved since the count
--   status  applied | pending_review -> approved | rejected | stale | stale (moved before it could apply) | dry_run
create table {{schema}}.inventory_discrepancy (
    id                 bigint      generated always as identity primary key,
    run_id             bigint      not null references {{schema}}.inventory_run (id) on delete cascade,
    warehouse          text        collate "C" not null,
    sku                text        collate "C" not null,
    -- The snapshot line (null for a SKU a full count did not list, counted as 0).
    line               integer,
    -- 0 when the warehouse had no stock row for the SKU (stock_version is then null).
    quantity_of_record integer     not null,
    counted_quantity   integer     not null,
    stock_version      bigint,
    stock_updated_at   timestamptz,
    counted_at         timestamptz,
    action             text        collate "C" not null,
    status             text        collate "C" not null,
    resolved_at        timestamptz,
    resolved_by        text,
    note               text,
    constraint inventory_discrepancy_differs check (counted_quantity <> quantity_of_record
        and counted_quantity >= 0 and quantity_of_record >= 0),
    constraint inventory_discrepancy_action_valid check (action in ('adjust', 'review', 'stale')),
    constraint inventory_discrepancy_status_valid check (status in ('applied', 'pending_review', 'approved', 'rejected', 'stale', 'dry_run')),
    constraint inventory_discrepancy_status_fits check (
        status in ('dry_run', 'stale')
        or status = 'applied' and action = 'adjust'
        or status in ('pending_review', 'approved', 'rejected') and action = 'review'),
    constraint inventory_discrepancy_resolved check ((status in ('pending_review', 'dry_run')) = (resolved_at is null))
);

-- A run lists its discrepancies by SKU; a snapshot cannot yield two for one SKU.
create unique index inventory_discrepancy_run_sku on {{schema}}.inventory_discrepancy (run_id, sku);
-- The review queue of a warehouse.
create index inventory_discrepancy_review on {{schema}}.inventory_discrepancy (warehouse, id) where status = 'pending_review';

-- Every change reconciliation made to the stock of record: append-only (the trigger below refuses
-- updates and deletes), one row per discrepancy at most (so a retried apply cannot apply twice).
create table {{schema}}.inventory_adjustment (
    id              bigint      generated always as identity primary key,
    discrepancy_id  bigint      not null unique references {{schema}}.inventory_discrepancy (id),
    run_id          bigint      not null references {{schema}}.inventory_run (id),
    warehouse       text        collate "C" not null,
    sku             text        collate "C" not null,
    quantity_before integer     not null,
    quantity_after  integer     not null,
    delta           integer     generated always as (quantity_after - quantity_before) stored,
    -- count: within tolerance, applied by the run | review: approved by an operator
    reason          text        collate "C" not null,
    -- Who or what: 'inventory.reconcile job 42', or the reviewer.
    actor           text        not null,
    note            text,
    created_at      timestamptz not null default now(),
    constraint inventory_adjustment_changes check (quantity_after <> quantity_before and quantity_before >= 0 and quantity_after >= 0),
    constraint inventory_adjustment_reason_valid check (reason in ('count', 'review'))
);

-- The history of one SKU.
create index inventory_adjustment_sku on {{schema}}.inventory_adjustment (warehouse, sku, id);

create function {{schema}}.inventory_adjustment_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'inventory_adjustment is append-only: % is not allowed', tg_op
        using errcode = 'restrict_violation';
end
$$;

create trigger inventory_adjustment_append_only before update or delete on {{schema}}.inventory_adjustment
    for each row execute function {{schema}}.inventory_adjustment_append_only();
