namespace Jobs.Inventory;

/// <summary>
/// The SQL of inventory reconciliation, by name, for one business schema. Every step is one
/// set-based statement over the whole snapshot (COPY into a temp table, joins, one
/// INSERT...SELECT or UPDATE...FROM per step), never a loop over rows.
/// </summary>
internal sealed class InventorySql(string s)
{
    public string ListWarehouses { get; } = $"select code from {s}.warehouse order by code";

    public string FindWarehouse { get; } = $"""
        select code, snapshot_source as SnapshotSource from {s}.warehouse where code = @warehouse
        """;

    public string FindRun { get; } = $"""
        select id from {s}.inventory_run where warehouse = @warehouse and snapshot_id = @snapshotId and not dry_run
        """;

    // Sorting and hashing a million SKUs wants more than the default 4 MB (which would spill to
    // disk); SET LOCAL ends with the transaction. The temp tables vanish with it too, committed or
    // not, so a pooled connection never carries them into the next job. inventory_diff holds the
    // discrepancies before they are recorded: the columns of inventory_discrepancy they will fill.
    public string Prepare { get; } = $"""
        set local work_mem = '256MB';
        create temp table inventory_count (
            line       integer     not null,
            sku        text        collate "C" not null,
            quantity   integer     not null,
            counted_at timestamptz not null
        ) on commit drop;
        create temp table inventory_diff on commit drop as
            select sku, line, quantity_of_record, counted_quantity, stock_version, stock_updated_at, counted_at, action
              from {s}.inventory_discrepancy
            with no data;
        """;

    public string CopyCount { get; } = "copy pg_temp.inventory_count (line, sku, quantity, counted_at) from stdin (format binary)";

    // A dry run replaces the previous dry run of the snapshot (its discrepancies go with it).
    public string DeleteDryRun { get; } = $"""
        delete from {s}.inventory_run where warehouse = @warehouse and snapshot_id = @snapshotId and dry_run
        """;

    // Takes the snapshot's slot before any work: a concurrent run of the same snapshot waits here
    // until this transaction ends, then finds the slot taken (no row returned) and does nothing.
    public string InsertRun { get; } = $"""
        insert into {s}.inventory_run (warehouse, snapshot_id, dry_run, full_count, source, job_id, tolerance_units, tolerance_percent)
        values (@warehouse, @snapshotId, @dryRun, @fullCount, @source, @jobId, @toleranceUnits, @tolerancePercent)
        on conflict (warehouse, snapshot_id, dry_run) do nothing
        returning id
        """;

    public string CountDuplicateSkus { get; } = """
        select count(*) from (select 1 from pg_temp.inventory_count group by sku having count(*) > 1) d
        """;

    // Every line that repeats an earlier line's SKU, with the total (only run when there are some).
    public string FindDuplicateLines { get; } = """
        select c.line as Line, c.sku as Sku, d.first_line as FirstLine, count(*) over () as Total
          from (select sku, min(line) as first_line from pg_temp.inventory_count group by sku having count(*) > 1) d
          join pg_temp.inventory_count c on c.sku = d.sku and c.line > d.first_line
         order by c.line
         limit @limit
        """;

    // Temp tables are never analyzed by autovacuum; without statistics the planner guesses a
    // handful of rows and joins a million of them by nested loop.
    public string AnalyzeCount { get; } = "analyze pg_temp.inventory_count";

    // Counted SKUs that differ from the stock of record (a SKU without a stock row has 0).
    public string CompareCounted { get; } = Classify($"""
        select c.sku, c.line, coalesce(s.quantity, 0), c.quantity, s.version, s.updated_at, c.counted_at
          from pg_temp.inventory_count c
          left join {s}.stock s on s.warehouse = @warehouse and s.sku = c.sku
         where c.quantity <> coalesce(s.quantity, 0)
        """);

    // A full count: SKUs of record it does not list were counted as 0, when the count began.
    public string CompareAbsent { get; } = Classify($"""
        select s.sku, null::integer, s.quantity, 0, s.version, s.updated_at, @countedFrom::timestamptz
          from {s}.stock s
         where s.warehouse = @warehouse and s.quantity <> 0
           and not exists (select 1 from pg_temp.inventory_count c where c.sku = s.sku)
        """);

    // Applies the discrepancies within tolerance (none in a dry run) by compare-and-set, then
    // records every discrepancy with its outcome and audits each applied one, in one statement.
    // A SKU whose stock changed after the compare (another transaction updated it: the UPDATE
    // re-checks the version against the row it waited for) or appeared meanwhile is not
    // overwritten: it is recorded stale.
    public string Apply { get; } = $"""
        with target as (
            select @warehouse::text as warehouse, d.sku, d.counted_quantity, d.stock_version
              from pg_temp.inventory_diff d
             where d.action = 'adjust' and not @dryRun
        ),
        {CompareAndSet(s)},
        recorded as (
            insert into {s}.inventory_discrepancy (run_id, warehouse, sku, line, quantity_of_record, counted_quantity,
                                                   stock_version, stock_updated_at, counted_at, action, status,
                                                   resolved_at, resolved_by, note)
            select @runId, @warehouse, d.sku, d.line, d.quantity_of_record, d.counted_quantity,
                   d.stock_version, d.stock_updated_at, d.counted_at, d.action, o.status,
                   case when o.status in ('dry_run', 'pending_review') then null else now() end,
                   case when o.status in ('dry_run', 'pending_review') then null else @actor end,
                   case when d.action = 'stale' then 'stock moved since the count'
                        when o.status = 'stale' then 'stock moved during the run' end
              from pg_temp.inventory_diff d
              left join applied a on a.sku = d.sku
             cross join lateral (select case when @dryRun then 'dry_run'
                                             when d.action = 'review' then 'pending_review'
                                             when d.action = 'stale' or a.sku is null then 'stale'
                                             else 'applied' end as status) o
            returning id, sku, quantity_of_record, counted_quantity, status
        )
        insert into {s}.inventory_adjustment (discrepancy_id, run_id, warehouse, sku, quantity_before, quantity_after, reason, actor)
        select r.id, @runId, @warehouse, r.sku, r.quantity_of_record, r.counted_quantity, 'count', @actor
          from recorded r
         where r.status = 'applied'
        """;

    // For a dry run the counts say what a real run would have done.
    public string CompleteRun { get; } = $"""
        update {s}.inventory_run r
           set skus_counted = @skusCounted, counted_from = @countedFrom, counted_to = @countedTo,
               phase_ms = @phaseMs::jsonb, discrepancies = o.total, applied = o.applied,
               pending_review = o.pending_review, stale = o.stale
          from (select count(*)::int as total,
                       count(*) filter (where status = 'applied' or status = 'dry_run' and action = 'adjust')::int as applied,
                       count(*) filter (where status = 'pending_review' or status = 'dry_run' and action = 'review')::int as pending_review,
                       count(*) filter (where status = 'stale' or status = 'dry_run' and action = 'stale')::int as stale
                  from {s}.inventory_discrepancy
                 where run_id = @runId) o
         where r.id = @runId
        returning r.discrepancies as Discrepancies, r.applied as Applied, r.pending_review as PendingReview, r.stale as Stale
        """;

    // Reviews lock the discrepancy first, so two operators deciding at once take turns.
    public string LockDiscrepancy { get; } = $"""
        select status from {s}.inventory_discrepancy where id = @id for update
        """;

    // An approval applies the counted quantity only if the stock is still the version the run
    // compared; otherwise the discrepancy is stale and the stock is left alone.
    public string Approve { get; } = $"""
        with target as (
            select id, run_id, warehouse, sku, quantity_of_record, counted_quantity, stock_version
              from {s}.inventory_discrepancy
             where id = @id and status = 'pending_review'
        ),
        {CompareAndSet(s)},
        audit as (
            insert into {s}.inventory_adjustment (discrepancy_id, run_id, warehouse, sku, quantity_before, quantity_after, reason, actor, note)
            select t.id, t.run_id, t.warehouse, t.sku, t.quantity_of_record, t.counted_quantity, 'review', @actor, @note::text
              from target t
              join applied a on a.sku = t.sku
            returning discrepancy_id
        )
        update {s}.inventory_discrepancy d
           set status = case when exists (select 1 from audit) then 'approved' else 'stale' end,
               resolved_at = now(), resolved_by = @actor,
               note = case when exists (select 1 from audit) then @note::text
                           else concat_ws(': ', 'stock moved before the review', @note::text) end
         where d.id = @id and d.status = 'pending_review'
        returning d.status
        """;

    public string Reject { get; } = $"""
        update {s}.inventory_discrepancy
           set status = 'rejected', resolved_at = now(), resolved_by = @actor, note = @note::text
         where id = @id and status = 'pending_review'
        returning status
        """;

    public string PendingReviews { get; } = $"""
        select id as Id, run_id as RunId, warehouse as Warehouse, sku as Sku, quantity_of_record as QuantityOfRecord,
               counted_quantity as CountedQuantity, counted_at as CountedAt
          from {s}.inventory_discrepancy
         where warehouse = @warehouse and status = 'pending_review'
         order by id
         limit @limit
        """;

    // Wraps a select of (sku, line, quantity_of_record, counted_quantity, stock_version,
    // stock_updated_at, counted_at) into the insert of inventory_diff with each row's action:
    // stale when the stock changed after the SKU was counted; adjust when the difference is within
    // both tolerances (units, and percent of the stock of record); review otherwise.
    private static string Classify(string differing) => $"""
        insert into pg_temp.inventory_diff (sku, line, quantity_of_record, counted_quantity, stock_version, stock_updated_at, counted_at, action)
        select d.*,
               case when d.stock_updated_at > d.counted_at then 'stale'
                    when abs(d.counted_quantity::bigint - d.quantity_of_record) <= @toleranceUnits
                     and abs(d.counted_quantity::bigint - d.quantity_of_record) * 100 <= @tolerancePercent * d.quantity_of_record then 'adjust'
                    else 'review' end
          from ({differing}) as d (sku, line, quantity_of_record, counted_quantity, stock_version, stock_updated_at, counted_at)
        """;

    // Compare-and-set over a CTE named target (warehouse, sku, counted_quantity, stock_version):
    // updates a stock row only while its version is the one compared, creates a missing row only
    // while it is still missing; `applied` lists the SKUs that changed.
    private static string CompareAndSet(string s) => $"""
        moved as (
            update {s}.stock st
               set quantity = t.counted_quantity
              from target t
             where t.stock_version is not null
               and st.warehouse = t.warehouse and st.sku = t.sku and st.version = t.stock_version
            returning st.sku
        ),
        created as (
            insert into {s}.stock (warehouse, sku, quantity)
            select t.warehouse, t.sku, t.counted_quantity from target t where t.stock_version is null
            on conflict (warehouse, sku) do nothing
            returning sku
        ),
        applied as (select sku from moved union all select sku from created)
        """;
}
