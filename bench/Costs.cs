using Dapper;
using Npgsql;

namespace Jobs.Bench;

/// <summary>
/// What each measured phase cost the database, per job: WAL bytes and records (exact, from the WAL
/// position), WAL flushes (pg_stat_wal's fsyncs: what a durable commit waits for; commits that
/// write nothing, such as a notification's, flush nothing), transactions committed (pg_stat_database,
/// flushed by the benchmark's own connections closing before the phase ends) and statements executed
/// (pg_stat_statements, when the server preloads it; scripts/bench-costs.sh starts one that does; a
/// batch sends several in one round trip). Counts, not times: they hold on a busy machine.
/// </summary>
internal sealed class Costs(NpgsqlDataSource admin)
{
    private readonly List<(string Phase, int Jobs, Snapshot Cost)> _phases = [];
    private Snapshot? _started;
    private bool? _statements;

    public IReadOnlyList<(string Phase, int Jobs, Snapshot Cost)> Phases => _phases;

    /// <summary>Marks the start of a phase: everything the database does until <see cref="StopAsync"/> counts.</summary>
    public async Task StartAsync() => _started = await TakeAsync();

    /// <summary>Ends the phase. Call it after the phase's hosts are disposed, so their connections' statistics are flushed.</summary>
    public async Task StopAsync(string phase, int jobs)
    {
        await Task.Delay(500); // a closing backend reports its counts as it exits
        var ended = await TakeAsync();
        var started = _started ?? throw new InvalidOperationException("StopAsync without StartAsync");
        _phases.Add((phase, jobs, new Snapshot(
            ended.WalBytes - started.WalBytes, ended.WalRecords - started.WalRecords, ended.WalFlushes - started.WalFlushes,
            ended.Commits - started.Commits, ended.Statements - started.Statements)));
        _started = null;
    }

    public void Print(TextWriter output)
    {
        output.WriteLine("  cost per job       WAL bytes   WAL records   WAL flushes   commits   statements");
        foreach (var (phase, jobs, cost) in _phases)
        {
            var statements = cost.Statements is { } s ? $"{(double)s / jobs,10:0.00}" : "         -";
            output.WriteLine($"  {phase,-16} {(double)cost.WalBytes / jobs,10:N0} {(double)cost.WalRecords / jobs,13:0.00} {(double)cost.WalFlushes / jobs,13:0.000} {(double)cost.Commits / jobs,9:0.000}   {statements}");
        }
    }

    private async Task<Snapshot> TakeAsync()
    {
        await using var connection = await admin.OpenConnectionAsync();
        if (_statements is null)
        {
            _statements = await connection.ExecuteScalarAsync<bool>(
                "select exists (select from pg_settings where name = 'shared_preload_libraries' and setting like '%pg_stat_statements%')");
            if (_statements == true)
            {
                await connection.ExecuteAsync("create extension if not exists pg_stat_statements");
            }
        }
        await connection.ExecuteAsync("select pg_stat_clear_snapshot()");
        var row = await connection.QuerySingleAsync<(long, long, long, long)>("""
            select pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint,
                   (select wal_records from pg_stat_wal),
                   (select wal_sync from pg_stat_wal),
                   (select xact_commit from pg_stat_database where datname = current_database())
            """);
        long? statements = _statements == true
            ? await connection.ExecuteScalarAsync<long>("select coalesce(sum(calls), 0)::bigint from pg_stat_statements where dbid = (select oid from pg_database where datname = current_database())")
            : null;
        return new Snapshot(row.Item1, row.Item2, row.Item3, row.Item4, statements);
    }

    internal sealed record Snapshot(long WalBytes, long WalRecords, long WalFlushes, long Commits, long? Statements);
}
