using Dapper;
using Jobs.Engine.States;
using Jobs.Engine.Storage;

namespace Jobs.Engine.Monitoring;

/// <summary>
/// Read-only views of the engine for dashboards, APIs and health checks. Hosts read the engine
/// through this class and hold no SQL of their own. Every view is bounded so that it stays fast
/// with millions of jobs: counts are exact up to <see cref="CountCap"/>, then estimated; lists
/// page by keyset along an index. Lists, counts and the overview read from the read-only copy when
/// <c>ConnectionStrings:JobsReadOnly</c> is set (they may trail the primary by the replication lag);
/// kinds' policies, which an API key's queue check depends on, and readiness read the primary.
/// </summary>
public sealed partial class JobsMonitor(JobsDatabase database, Migrator migrator, TimeProvider timeProvider, IEnumerable<IJobsSchemaCheck> schemaChecks)
{
    /// <summary>Counts stop being exact at this many jobs (beyond it they are estimates).</summary>
    public const int CountCap = 10_000;

    /// <summary>Bulk-action previews count exactly up to this many jobs.</summary>
    public const int PreviewCap = 100_000;

    private JobSql Sql => database.Sql;

    /// <summary>Jobs per state: exact up to <see cref="CountCap"/>, estimated beyond it and for succeeded jobs.</summary>
    public async Task<IReadOnlyList<StateCount>> CountByStateAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.ReadDataSource.OpenConnectionAsync(cancellationToken);
        var capped = (await connection.QueryAsync<(string State, long Jobs)>(new CommandDefinition(
            Sql.CappedStateCounts, new { cap = CountCap + 1 }, cancellationToken: cancellationToken))).ToDictionary(r => r.State, r => r.Jobs);
        var estimates = (await connection.QueryAsync<(string State, long Jobs)>(new CommandDefinition(
            Sql.EstimatedStateCounts, cancellationToken: cancellationToken))).ToDictionary(r => r.State, r => r.Jobs);

        var counts = new List<StateCount>();
        foreach (var state in Enum.GetValues<JobState>())
        {
            var name = state.ToDb();
            if (capped.TryGetValue(name, out var exact) && exact <= CountCap)
            {
                counts.Add(new StateCount(state, exact, true));
            }
            else
            {
                // Past the cap, or succeeded: the planner's estimate, never below what was counted.
                long? estimate = estimates.TryGetValue(name, out var e) ? e : null;
                var atLeast = capped.GetValueOrDefault(name);
                counts.Add(new StateCount(state, estimate is { } value ? Math.Max(value, atLeast) : atLeast > 0 ? atLeast : null, false));
            }
        }
        return counts;
    }

    /// <summary>Every known queue: depth, running jobs, workers, pause, and how long its oldest job has waited.</summary>
    public Task<IReadOnlyList<QueueInfo>> QueuesAsync(CancellationToken cancellationToken = default) =>
        QueuesAsync(CountCap, cancellationToken);

    /// <summary>Every queue with its depth counted up to <paramref name="depthCap"/>.</summary>
    internal async Task<IReadOnlyList<QueueInfo>> QueuesAsync(int depthCap, CancellationToken cancellationToken)
    {
        await using var connection = await database.ReadDataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string Name, long Available, long Running, long Workers, DateTime? PausedAt, DateTime? Oldest)>(
            new CommandDefinition(Sql.Queues, new { cap = depthCap + 1 }, cancellationToken: cancellationToken));
        return rows.Select(r => new QueueInfo(r.Name, Math.Min(r.Available, depthCap), r.Available <= depthCap, r.Running, (int)r.Workers,
            DbTime.Utc(r.PausedAt), DbTime.Utc(r.Oldest))).ToList();
    }

    /// <summary>Each kind's shared policy (defaults and limits) and, for limited kinds, how many run now.</summary>
    public async Task<IReadOnlyList<KindInfo>> KindsAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<KindRow>(new CommandDefinition(Sql.Kinds, cancellationToken: cancellationToken));
        return rows.Select(r => new KindInfo
        {
            Kind = r.Kind,
            Queue = r.Queue,
            Priority = r.Priority,
            MaxAttempts = r.MaxAttempts,
            GlobalLimit = r.GlobalLimit,
            PartitionLimit = r.PartitionLimit,
            Running = r.Running,
            UpdatedAt = DbTime.Utc(r.UpdatedAt),
            UpdatedBy = r.UpdatedBy,
        }).ToList();
    }

    /// <summary>The servers that heartbeat now, with their queues and how busy they are.</summary>
    public async Task<IReadOnlyList<ServerInfo>> ServersAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.ReadDataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<ServerInfo>(new CommandDefinition(Sql.Servers, cancellationToken: cancellationToken))).ToList();
    }

    /// <summary>Attempts ended per <paramref name="bucket"/> over the last <paramref name="window"/>, oldest first, with empty buckets filled in.</summary>
    public async Task<IReadOnlyList<ThroughputPoint>> ThroughputAsync(TimeSpan window, TimeSpan bucket, CancellationToken cancellationToken = default)
    {
        var now = timeProvider.GetUtcNow();
        var to = new DateTimeOffset(now.UtcTicks - now.UtcTicks % bucket.Ticks, TimeSpan.Zero).Add(bucket);
        var from = to - window;
        await using var connection = await database.ReadDataSource.OpenConnectionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<(DateTime At, long Succeeded, long Failed, long Dead)>(new CommandDefinition(Sql.Throughput,
            new { bucket, origin = from, from, to }, cancellationToken: cancellationToken))).ToDictionary(r => DbTime.Utc(r.At));
        var points = new List<ThroughputPoint>();
        for (var at = from; at < to; at += bucket)
        {
            points.Add(rows.TryGetValue(at, out var r) ? new ThroughputPoint(at, r.Succeeded, r.Failed, r.Dead) : new ThroughputPoint(at, 0, 0, 0));
        }
        return points;
    }

    /// <summary>Dead jobs grouped by kind and latest error, largest groups first, among the most recent <paramref name="scan"/> dead jobs.</summary>
    public async Task<IReadOnlyList<DeadLetterGroup>> DeadLetterGroupsAsync(int limit = 50, int scan = 20_000, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.ReadDataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string Kind, string Type, string Error, long Jobs, DateTime LastAt, long SampleId)>(
            new CommandDefinition(Sql.DeadLetterGroups, new { limit, scan }, cancellationToken: cancellationToken));
        return rows.Select(r => new DeadLetterGroup(r.Kind, r.Type, r.Error, r.Jobs, DbTime.Utc(r.LastAt), r.SampleId)).ToList();
    }

    /// <summary>
    /// True when the database answers, the engine's schema is at the version this build needs, and
    /// so is every other schema registered as an <see cref="IJobsSchemaCheck"/>.
    /// </summary>
    public async Task<(bool Ready, string Reason)> CheckReadyAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            var results = new List<(bool Ready, string Reason)> { await migrator.CheckAsync(cancellationToken) };
            foreach (var check in schemaChecks)
            {
                results.Add(await check.CheckAsync(cancellationToken));
            }
            return (results.All(r => r.Ready), string.Join("; ", results.Select(r => r.Reason)));
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or TimeoutException or InvalidOperationException)
        {
            return (false, $"database unreachable: {e.Message}");
        }
    }

    private sealed record KindRow(string Kind, string? Queue, short? Priority, short? MaxAttempts, int? GlobalLimit, int? PartitionLimit,
        DateTime UpdatedAt, string? UpdatedBy, long? Running);
}

/// <summary>A server as its heartbeat row shows it.</summary>
public sealed record ServerInfo
{
    /// <summary>The server id.</summary>
    public required string Id { get; init; }
    /// <summary>Its machine.</summary>
    public required string Host { get; init; }
    /// <summary>The engine version it runs.</summary>
    public string? Version { get; init; }
    /// <summary>Its queues and worker counts, as JSON.</summary>
    public required string Queues { get; init; }
    /// <summary>When it started.</summary>
    public required DateTime StartedAt { get; init; }
    /// <summary>Its latest heartbeat.</summary>
    public required DateTime HeartbeatAt { get; init; }
    /// <summary>Workers it has.</summary>
    public required int Workers { get; init; }
    /// <summary>Jobs it was running at its latest heartbeat.</summary>
    public required int Busy { get; init; }
    /// <summary>True while it drains for shutdown.</summary>
    public required bool Stopping { get; init; }
}
