using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Dapper;
using Jobs.Engine.Handlers;
using Jobs.Inventory.Snapshots;
using Jobs.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace Jobs.Inventory;

/// <summary>
/// Reconciles one snapshot in one transaction: loads it into a temp table (COPY), validates it,
/// compares it with the stock of record, applies what is within tolerance by compare-and-set,
/// records every discrepancy and audits every adjustment, and records the run. A crash or an error
/// anywhere before the commit leaves nothing behind; after the commit, the run's row makes a
/// second run of the snapshot a no-op.
/// </summary>
internal sealed class InventoryReconciler(
    AppDatabase database,
    InventorySql sql,
    SnapshotSource snapshots,
    IOptions<InventoryOptions> options,
    ILogger<InventoryReconciler> logger)
{
    public async Task<ReconcileReport> ReconcileAsync(ReconcileInventoryArgs args, long? jobId, CancellationToken cancellationToken)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        var key = new { warehouse = args.Warehouse, snapshotId = args.SnapshotId };
        var warehouse = await connection.QuerySingleOrDefaultAsync<WarehouseRow>(
                new CommandDefinition(sql.FindWarehouse, key, cancellationToken: cancellationToken))
            ?? throw new PermanentJobFailureException($"Unknown warehouse '{args.Warehouse}': {database.Schema}.warehouse has no such code.");
        if (args.SnapshotId == SnapshotSource.Latest)
        {
            if (await snapshots.LatestAsync(warehouse, cancellationToken) is not { } latest)
            {
                InventoryLog.NoSnapshot(logger, args.Warehouse);
                return ReconcileReport.Done(null);
            }
            args = args with { SnapshotId = latest };
            key = new { warehouse = args.Warehouse, snapshotId = args.SnapshotId };
        }
        // Cheap check before fetching the snapshot; the run's unique slot below is what guarantees it.
        if (!args.DryRun && await connection.ExecuteScalarAsync<long?>(
                new CommandDefinition(sql.FindRun, key, cancellationToken: cancellationToken)) is { } earlier)
        {
            return ReconcileReport.Done(earlier) with { SnapshotId = args.SnapshotId };
        }

        await using var snapshot = await snapshots.OpenAsync(warehouse, args.SnapshotId, cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var run = new RunParameters(args, jobId, snapshot.Location, options.Value);
        await ExecuteAsync(connection, sql.Prepare, null, cancellationToken);
        if (args.DryRun)
        {
            await ExecuteAsync(connection, sql.DeleteDryRun, run, cancellationToken);
        }
        var runId = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(sql.InsertRun, run, cancellationToken: cancellationToken));
        if (runId is null)
        {
            // Another job reconciled this snapshot while this one was starting.
            return ReconcileReport.Done(null) with { SnapshotId = args.SnapshotId };
        }
        run.RunId = runId.Value;

        var phases = new Dictionary<string, long>();
        var clock = Stopwatch.StartNew();
        var load = await LoadAsync(connection, snapshot.Stream, args, cancellationToken);
        run.CountedFrom = load.CountedFrom?.ToUniversalTime();
        run.CountedTo = load.CountedTo?.ToUniversalTime();
        run.SkusCounted = load.Rows;
        Lap(phases, "load", clock);

        await RejectDuplicatesAsync(connection, args, cancellationToken);
        await ExecuteAsync(connection, sql.AnalyzeCount, null, cancellationToken);
        Lap(phases, "validate", clock);

        await ExecuteAsync(connection, sql.CompareCounted, run, cancellationToken);
        if (args.FullCount)
        {
            await ExecuteAsync(connection, sql.CompareAbsent, run, cancellationToken);
        }
        Lap(phases, "compare", clock);

        await ExecuteAsync(connection, sql.Apply, run, cancellationToken);
        Lap(phases, "apply", clock);

        run.PhaseMs = JsonSerializer.Serialize(phases);
        var outcome = await connection.QuerySingleAsync<RunOutcome>(new CommandDefinition(sql.CompleteRun, run, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        Lap(phases, "commit", clock);
        return new ReconcileReport(run.RunId, false, load.Rows, outcome, phases) { SnapshotId = args.SnapshotId };
    }

    // Streams the CSV into the temp table with binary COPY. On the first bad line it stops
    // writing but reads on, to name the first few bad lines and count them all; the COPY is then
    // abandoned (disposing the importer without completing it) and the transaction rolls back.
    private async Task<LoadResult> LoadAsync(NpgsqlConnection connection, Stream stream, ReconcileInventoryArgs args, CancellationToken cancellationToken)
    {
        var name = $"{args.Warehouse}/{args.SnapshotId}";
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        var header = await reader.ReadLineAsync(cancellationToken);
        if (header is null)
        {
            throw Rejected(args, $"Snapshot {name} is empty: it has no header line ({SnapshotCsv.Columns}). Nothing was applied.");
        }
        var csv = SnapshotCsv.FromHeader(header, out var headerProblem);
        if (csv is null)
        {
            throw Rejected(args, $"Snapshot {name} is malformed: line 1: {headerProblem}. Nothing was applied.");
        }

        var errors = new SnapshotErrors();
        var result = new LoadResult();
        await using var importer = await connection.BeginBinaryImportAsync(sql.CopyCount, cancellationToken);
        var line = 1;
        while (await reader.ReadLineAsync(cancellationToken) is { } text)
        {
            line++;
            if (text.Length == 0)
            {
                continue;
            }
            if (!csv.TryParse(text, out var row, out var problem))
            {
                errors.Add(line, problem!);
                continue;
            }
            if (errors.Count > 0)
            {
                continue;
            }
            await importer.StartRowAsync(cancellationToken);
            await importer.WriteAsync(line, NpgsqlDbType.Integer, cancellationToken);
            await importer.WriteAsync(row.Sku, NpgsqlDbType.Text, cancellationToken);
            await importer.WriteAsync(row.Quantity, NpgsqlDbType.Integer, cancellationToken);
            await importer.WriteAsync(row.CountedAt.UtcDateTime, NpgsqlDbType.TimestampTz, cancellationToken);
            result.Add(row.CountedAt);
        }
        if (errors.Count > 0)
        {
            throw Rejected(args, errors.Describe($"{args.Warehouse}/{args.SnapshotId}"));
        }
        await importer.CompleteAsync(cancellationToken);
        return result;
    }

    private async Task RejectDuplicatesAsync(NpgsqlConnection connection, ReconcileInventoryArgs args, CancellationToken cancellationToken)
    {
        if (await connection.ExecuteScalarAsync<long>(new CommandDefinition(sql.CountDuplicateSkus, cancellationToken: cancellationToken)) == 0)
        {
            return;
        }
        var errors = new SnapshotErrors();
        var lines = await connection.QueryAsync<(int Line, string Sku, int FirstLine, long Total)>(new CommandDefinition(
            sql.FindDuplicateLines, new { limit = SnapshotErrors.Shown }, cancellationToken: cancellationToken));
        foreach (var duplicate in lines)
        {
            errors.Add(duplicate.Line, $"sku '{duplicate.Sku}' repeats line {duplicate.FirstLine}");
            errors.SetTotal(duplicate.Total);
        }
        throw Rejected(args, errors.Describe($"{args.Warehouse}/{args.SnapshotId}"));
    }

    private PermanentJobFailureException Rejected(ReconcileInventoryArgs args, string reason)
    {
        InventoryLog.SnapshotRejected(logger, args.Warehouse, args.SnapshotId, reason);
        return new PermanentJobFailureException(reason);
    }

    // The statements over a whole snapshot run as long as they need: the job's timeout bounds them.
    private static Task ExecuteAsync(NpgsqlConnection connection, string statement, object? parameters, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(statement, parameters, commandTimeout: 0, cancellationToken: cancellationToken));

    private static void Lap(Dictionary<string, long> phases, string phase, Stopwatch clock)
    {
        phases[phase] = clock.ElapsedMilliseconds;
        clock.Restart();
    }

    private sealed class LoadResult
    {
        public int Rows { get; private set; }
        public DateTimeOffset? CountedFrom { get; private set; }
        public DateTimeOffset? CountedTo { get; private set; }

        public void Add(DateTimeOffset countedAt)
        {
            Rows++;
            if (CountedFrom is null || countedAt < CountedFrom)
            {
                CountedFrom = countedAt;
            }
            if (CountedTo is null || countedAt > CountedTo)
            {
                CountedTo = countedAt;
            }
        }
    }
}
