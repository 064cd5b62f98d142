using System.Xml;
using Jobs.Engine.Handlers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Jobs.CacheWarming;

/// <summary>
/// Runs <c>cache.warm</c>: requests every target of the run not yet warm, at most
/// <see cref="CacheWarmingOptions.Concurrency"/> at a time, and records each outcome as it comes
/// (so an attempt that dies halfway keeps what it did). One bad URL never fails the run: permanent
/// failures are recorded and left; transient ones fail the attempt so the engine retries the job,
/// and the retry requests only them; on the job's last attempt what is still transient is given up
/// and the run ends <c>partial</c>, succeeded. The job is dead only if it cannot run at all.
/// </summary>
internal sealed partial class CacheWarmHandler(
    CacheWarmingStore store,
    TargetFetcher fetcher,
    IOptionsMonitor<CacheWarmingOptions> options,
    ILogger<CacheWarmHandler> logger) : IJobHandler<CacheWarmArgs>
{
    public async Task ExecuteAsync(JobContext<CacheWarmArgs> job, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        var runId = job.Args.RunId ?? $"job-{job.Id}";
        if (runId.Length is < 1 or > 200)
        {
            throw new PermanentJobFailureException($"runId must be 1 to 200 characters (got {runId.Length}).");
        }

        var (attempts, reopened) = await store.StartRunAsync(runId, job.Id, cancellationToken);
        LogStarted(logger, runId, attempts, reopened);
        // Configured targets join the run once; on later attempts they are already there with their outcome.
        await store.AddTargetsAsync(runId, Normalize(settings.Urls), false, null, settings.MaxTargets, cancellationToken);
        await store.AddTargetsAsync(runId, Normalize(settings.Sitemaps), true, null, settings.MaxTargets, cancellationToken);

        var retryAfter = new RetryAfter();
        await ExpandSitemapsAsync(runId, settings, retryAfter, cancellationToken);
        var pages = await store.PendingAsync(runId, isSitemap: false, cancellationToken);
        await ForEachBoundedAsync(pages, settings.Concurrency, async (page, ct) =>
        {
            var result = await fetcher.FetchAsync(page, keepBody: false, ct);
            await RecordAsync(runId, page, result, retryAfter, ct);
        }, cancellationToken);

        var counts = await store.CountsAsync(runId, cancellationToken);
        if (counts.Transient > 0)
        {
            if (!job.IsLastAttempt)
            {
                LogRetrying(logger, runId, counts.Transient, counts.Targets, job.Attempt, job.Job.MaxAttempts);
                throw new RetryJobException(
                    $"{counts.Transient} of {counts.Targets} targets of run {runId} failed transiently; the next attempt requests only those.",
                    retryAfter.Value);
            }
            var gaveUp = await store.GiveUpAsync(runId, cancellationToken);
            LogGaveUp(logger, runId, gaveUp, job.Attempt);
            counts = await store.CountsAsync(runId, cancellationToken);
        }
        await store.FinishRunAsync(runId, counts, cancellationToken);
        LogFinished(logger, runId, counts.Warm, counts.Targets, counts.Failed);
        await store.PruneAsync(settings.ResultRetention, cancellationToken);
    }

    /// <summary>
    /// Fetches the run's sitemaps and adds what they list; an index adds more sitemaps, fetched in
    /// the next round. Each sitemap is fetched at most once per attempt, and the run's target cap
    /// and once-per-run rows end any cycle of indexes.
    /// </summary>
    private async Task ExpandSitemapsAsync(string runId, CacheWarmingOptions settings, RetryAfter retryAfter, CancellationToken cancellationToken)
    {
        var fetched = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            var sitemaps = (await store.PendingAsync(runId, isSitemap: true, cancellationToken)).Where(s => fetched.Add(s.Url)).ToList();
            if (sitemaps.Count == 0)
            {
                return;
            }
            await ForEachBoundedAsync(sitemaps, settings.Concurrency, async (sitemap, ct) =>
            {
                // Unconditional: a 304 would not say which pages the sitemap lists.
                var result = await fetcher.FetchAsync(sitemap with { ETag = null, LastModified = null }, keepBody: true, ct);
                if (result.Outcome == TargetOutcome.Warm)
                {
                    result = await AddEntriesAsync(runId, sitemap.Url, result, settings.MaxTargets, ct);
                }
                await RecordAsync(runId, sitemap, result with { ETag = null, LastModified = null }, retryAfter, ct);
            }, cancellationToken);
        }
    }

    private async Task<TargetResult> AddEntriesAsync(string runId, string sitemapUrl, TargetResult result, int maxTargets, CancellationToken ct)
    {
        Sitemap sitemap;
        try
        {
            sitemap = SitemapReader.Read(result.Body ?? [], new Uri(sitemapUrl));
        }
        catch (XmlException e)
        {
            return result with { Outcome = TargetOutcome.Failed, Error = $"not a sitemap: {e.Message}" };
        }
        var added = await store.AddTargetsAsync(runId, sitemap.Entries, sitemap.IsIndex, sitemapUrl, maxTargets, ct);
        LogSitemap(logger, runId, sitemapUrl, sitemap.Entries.Count, sitemap.IsIndex ? "sitemaps" : "pages", added, sitemap.Skipped);
        return result;
    }

    private async Task RecordAsync(string runId, PendingTarget target, TargetResult result, RetryAfter retryAfter, CancellationToken ct)
    {
        await store.RecordAsync(runId, target, result, ct);
        switch (result.Outcome)
        {
            case TargetOutcome.Failed:
                LogFailed(logger, runId, target.Url, result.HttpStatus, result.Error);
                break;
            case TargetOutcome.Transient:
                LogTransient(logger, runId, target.Url, result.HttpStatus, result.Error);
                retryAfter.AtLeast(result.RetryAfter);
                break;
        }
    }

    private static List<string> Normalize(IEnumerable<string> urls) =>
        urls.Select(u => TargetUrl.TryParse(u, out var uri) ? uri.AbsoluteUri : u).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>Runs <paramref name="body"/> for each item with at most <paramref name="limit"/> at once.</summary>
    private static Task ForEachBoundedAsync<T>(IReadOnlyList<T> items, int limit, Func<T, CancellationToken, ValueTask> body, CancellationToken ct) =>
        items.Count == 0
            ? Task.CompletedTask
            : Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = limit, CancellationToken = ct }, body);

    /// <summary>The longest breaker wait met in this attempt: the next attempt is useless before it.</summary>
    private sealed class RetryAfter
    {
        private long _ticks;

        public TimeSpan Value => TimeSpan.FromTicks(Interlocked.Read(ref _ticks));

        public void AtLeast(TimeSpan? wait)
        {
            if (wait is not { } value)
            {
                return;
            }
            long seen;
            do
            {
                seen = Interlocked.Read(ref _ticks);
            }
            while (value.Ticks > seen && Interlocked.CompareExchange(ref _ticks, value.Ticks, seen) != seen);
        }
    }

    [LoggerMessage(EventId = 3301, Level = LogLevel.Information, Message = "Cache warming run {RunId} attempt {RunAttempt} started ({Reopened} given-up targets reopened)")]
    private static partial void LogStarted(ILogger logger, string runId, int runAttempt, long reopened);

    [LoggerMessage(EventId = 3302, Level = LogLevel.Information, Message = "Cache warming run {RunId}: sitemap {Sitemap} lists {Entries} {EntryKind}, {Added} new to the run, {Skipped} invalid entries skipped")]
    private static partial void LogSitemap(ILogger logger, string runId, string sitemap, int entries, string entryKind, int added, int skipped);

    [LoggerMessage(EventId = 3303, Level = LogLevel.Warning, Message = "Cache warming run {RunId}: {Url} failed permanently (status {HttpStatus}): {Error}; recorded, not retried")]
    private static partial void LogFailed(ILogger logger, string runId, string url, int? httpStatus, string? error);

    [LoggerMessage(EventId = 3304, Level = LogLevel.Information, Message = "Cache warming run {RunId}: {Url} failed transiently (status {HttpStatus}): {Error}")]
    private static partial void LogTransient(ILogger logger, string runId, string url, int? httpStatus, string? error);

    [LoggerMessage(EventId = 3305, Level = LogLevel.Information, Message = "Cache warming run {RunId}: {Transient} of {Targets} targets to retry after attempt {Attempt} of {MaxAttempts}")]
    private static partial void LogRetrying(ILogger logger, string runId, int transient, int targets, int attempt, int maxAttempts);

    [LoggerMessage(EventId = 3306, Level = LogLevel.Warning, Message = "Cache warming run {RunId}: gave up {GaveUp} targets still failing on the job's last attempt ({Attempt}); the run ends partial")]
    private static partial void LogGaveUp(ILogger logger, string runId, int gaveUp, int attempt);

    [LoggerMessage(EventId = 3307, Level = LogLevel.Information, Message = "Cache warming run {RunId} finished: {Warm} of {Targets} targets warm, {Failed} failed")]
    private static partial void LogFinished(ILogger logger, string runId, int warm, int targets, int failed);
}
