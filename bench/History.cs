using System.Diagnostics;
using Dapper;
using Npgsql;

namespace Jobs.Bench;

/// <summary>
/// Finished jobs kept as history under the measured ones (<c>--history N</c>): N succeeded jobs,
/// finished between five and two days ago, written straight into the table before the measurements
/// and vacuumed as autovacuum would have. Every phase then works above them: its reset deletes only
/// the jobs above <see cref="Floor"/>, its checks read only those, and retention is set to keep the
/// history (30 days) except in the pruning phase, which sets it to one day so that the server's
/// pruner deletes all of it while pickup latency is measured.
/// </summary>
internal static class History
{
    /// <summary>The highest id of the history; measured jobs have higher ones.</summary>
    public static long Floor { get; private set; }

    /// <summary>Engine settings for every phase while history is kept.</summary>
    public static IReadOnlyDictionary<string, string?> Keep { get; } = new Dictionary<string, string?>
    {
        ["Jobs:Server:Retention:Succeeded"] = "30.00:00:00",
    };

    /// <summary>Engine settings of the pruning phase: the whole history is past its retention.</summary>
    public static IReadOnlyDictionary<string, string?> Prune { get; } = new Dictionary<string, string?>
    {
        ["Jobs:Server:Retention:Succeeded"] = "1.00:00:00",
        ["Jobs:Server:Retention:Interval"] = "00:00:01",
    };

    public static async Task SeedAsync(NpgsqlDataSource admin, string schema, long jobs)
    {
        var started = Stopwatch.GetTimestamp();
        await using var connection = await admin.OpenConnectionAsync();
        await connection.ExecuteAsync($"truncate {schema}.job; delete from {schema}.server;");
        const long Batch = 500_000;
        for (var from = 1L; from <= jobs; from += Batch)
        {
            await connection.ExecuteAsync($"""
                insert into {schema}.job (kind, queue, max_attempts, created_at, args, scheduled_at, state, attempt, attempted_at, attempted_by, finalized_at)
                select 'diag.noop', 'default', 25, t, jsonb_build_object('I', g), t, 'succeeded', 1, t, 'history', t + interval '2 ms'
                  from (select g, now() - interval '5 days' + g * (interval '3 days' / @jobs) as t
                          from generate_series(@from::bigint, @to::bigint) g) s
                """, new { from, to = Math.Min(jobs, from + Batch - 1), jobs }, commandTimeout: 0);
        }
        await connection.ExecuteAsync($"vacuum (analyze) {schema}.job", commandTimeout: 0);
        Floor = await connection.ExecuteScalarAsync<long>($"select coalesce(max(id), 0) from {schema}.job");
        var size = await connection.ExecuteScalarAsync<string>($"select pg_size_pretty(pg_total_relation_size('{schema}.job'))");
        Console.Error.WriteLine($"history: {jobs:N0} succeeded jobs seeded in {Stopwatch.GetElapsedTime(started).TotalSeconds:0} s; table with indexes {size}");
    }

    /// <summary>How many history jobs are left.</summary>
    public static async Task<long> RemainingAsync(NpgsqlDataSource admin, string schema)
    {
        await using var connection = await admin.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<long>($"select count(*) from {schema}.job where id <= @floor", new { floor = Floor }, commandTimeout: 0);
    }
}
