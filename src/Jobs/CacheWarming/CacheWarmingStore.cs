using Dapper;
using Jobs.Storage;

namespace Jobs.CacheWarming;

/// <summary>Runs, their per-target results and the validators kept for conditional requests.</summary>
internal sealed class CacheWarmingStore(AppDatabase database)
{
    private readonly CacheWarmingSql _sql = new(database.Schema);

    /// <summary>Opens or reopens the run; returns its attempt count and how many given-up targets were reopened.</summary>
    public async Task<(int Attempts, long Reopened)> StartRunAsync(string runId, long jobId, CancellationToken ct)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(ct);
        return await connection.QuerySingleAsync<(int, long)>(new CommandDefinition(_sql.StartRun, new { RunId = runId, JobId = jobId }, cancellationToken: ct));
    }

    /// <summary>Adds targets not yet in the run, up to <paramref name="maxTargets"/> in all; returns how many were added.</summary>
    public async Task<int> AddTargetsAsync(string runId, IReadOnlyCollection<string> urls, bool isSitemap, string? listedBy, int maxTargets,
        CancellationToken ct)
    {
        if (urls.Count == 0)
        {
            return 0;
        }
        await using var connection = await database.DataSource.OpenConnectionAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(_sql.AddTargets,
            new { RunId = runId, Urls = urls.ToArray(), IsSitemap = isSitemap, ListedBy = listedBy, MaxTargets = maxTargets },
            cancellationToken: ct));
    }

    public async Task<IReadOnlyList<PendingTarget>> PendingAsync(string runId, bool isSitemap, CancellationToken ct)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<PendingTarget>(new CommandDefinition(_sql.Pending,
            new { RunId = runId, IsSitemap = isSitemap }, cancellationToken: ct))).AsList();
    }

    /// <summary>
    /// Records a request's outcome, and on success keeps the validators the next run sends: the
    /// response's own, else (a 304 that repeats none) the ones that were sent.
    /// </summary>
    public async Task RecordAsync(string runId, PendingTarget target, TargetResult result, CancellationToken ct)
    {
        var sql = _sql.Record;
        var etag = result.ETag;
        var lastModified = result.LastModified;
        if (result.Outcome == TargetOutcome.Warm)
        {
            sql += ";\n" + (etag is null && lastModified is null ? _sql.ForgetValidator : _sql.SaveValidator);
        }
        else if (result.Outcome == TargetOutcome.NotModified && (etag is not null || lastModified is not null))
        {
            etag ??= target.ETag;
            lastModified ??= target.LastModified;
            sql += ";\n" + _sql.SaveValidator;
        }
        await using var connection = await database.DataSource.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(sql, new
        {
            RunId = runId,
            target.Url,
            Outcome = result.Outcome.ToColumn(),
            result.HttpStatus,
            result.LatencyMs,
            result.Bytes,
            result.Error,
            ETag = etag,
            LastModified = lastModified,
        }, cancellationToken: ct));
    }

    public async Task<RunCounts> CountsAsync(string runId, CancellationToken ct)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(ct);
        return await connection.QuerySingleAsync<RunCounts>(new CommandDefinition(_sql.Counts, new { RunId = runId }, cancellationToken: ct));
    }

    /// <summary>Gives up the run's transient targets (the job's last attempt); returns how many.</summary>
    public async Task<int> GiveUpAsync(string runId, CancellationToken ct)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(_sql.GiveUp, new { RunId = runId }, cancellationToken: ct));
    }

    public async Task FinishRunAsync(string runId, RunCounts counts, CancellationToken ct)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(_sql.FinishRun, new
        {
            RunId = runId,
            Status = counts.Failed == 0 && counts.Transient == 0 ? "warm" : "partial",
            counts.Targets,
            counts.Warm,
            counts.Failed,
        }, cancellationToken: ct));
    }

    /// <summary>Deletes finished runs older than <paramref name="retention"/>; returns how many.</summary>
    public async Task<int> PruneAsync(TimeSpan retention, CancellationToken ct)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(_sql.Prune, new { Retention = retention }, cancellationToken: ct));
    }
}
