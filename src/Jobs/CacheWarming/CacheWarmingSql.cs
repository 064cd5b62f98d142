namespace Jobs.CacheWarming;

/// <summary>The statements of <c>cache.warm</c>, for one business schema (see 0004_cache_warming.sql).</summary>
internal sealed class CacheWarmingSql(string schema)
{
    /// <summary>
    /// Opens the run, or reopens it for another attempt (a retry or an operator's requeue): a
    /// finished run's given-up targets become transient again, so a requeue finishes what is left
    /// and does not re-request what is warm.
    /// </summary>
    public string StartRun { get; } = $"""
        with run as (
            insert into {schema}.cache_run as r (run_id, job_id) values (@RunId, @JobId)
            on conflict (run_id) do update
                set attempts = r.attempts + 1, job_id = excluded.job_id, status = 'running', finished_at = null,
                    targets = null, warm = null, failed = null
            returning attempts),
        reopened as (
            update {schema}.cache_result set outcome = 'transient'
            where run_id = @RunId and outcome = 'gave_up'
            returning 1)
        select attempts, (select count(*) from reopened) as reopened from run
        """;

    /// <summary>
    /// Adds targets to the run, once each, up to the run's cap. Targets already in the run keep
    /// their outcome: this is what makes a retried attempt skip what is warm.
    /// </summary>
    public string AddTargets { get; } = $"""
        insert into {schema}.cache_result (run_id, url, is_sitemap, listed_by)
        select @RunId, t.url, @IsSitemap, @ListedBy
        from unnest(@Urls::text[]) with ordinality as t(url, n)
        where not exists (select 1 from {schema}.cache_result r where r.run_id = @RunId and r.url = t.url)
        order by t.n
        limit greatest(@MaxTargets - (select count(*) from {schema}.cache_result where run_id = @RunId), 0)
        on conflict (run_id, url) do nothing
        """;

    /// <summary>The run's targets still to request (never requested, or failed transiently), with the validators of their last success.</summary>
    public string Pending { get; } = $"""
        select r.url as Url, v.etag as ETag, v.last_modified as LastModified
        from {schema}.cache_result r
        left join {schema}.cache_validator v on v.url = r.url
        where r.run_id = @RunId and r.is_sitemap = @IsSitemap and r.outcome in ('pending', 'transient')
        order by r.url
        """;

    /// <summary>Records one request's outcome.</summary>
    public string Record { get; } = $"""
        update {schema}.cache_result
        set outcome = @Outcome, requests = requests + 1, http_status = @HttpStatus, latency_ms = @LatencyMs,
            bytes = @Bytes, error = @Error, requested_at = now()
        where run_id = @RunId and url = @Url
        """;

    /// <summary>Keeps the validators of a successful response for the next run's conditional request.</summary>
    public string SaveValidator { get; } = $"""
        insert into {schema}.cache_validator (url, etag, last_modified) values (@Url, @ETag, @LastModified)
        on conflict (url) do update set etag = excluded.etag, last_modified = excluded.last_modified, updated_at = now()
        """;

    /// <summary>Forgets the validators of a URL whose latest 2xx came without any (sending old ones would be wrong).</summary>
    public string ForgetValidator { get; } = $"delete from {schema}.cache_validator where url = @Url";

    /// <summary>Where the run stands.</summary>
    public string Counts { get; } = $"""
        select count(*)::int as Targets,
               (count(*) filter (where outcome in ('warm', 'not_modified')))::int as Warm,
               (count(*) filter (where outcome in ('failed', 'gave_up')))::int as Failed,
               (count(*) filter (where outcome in ('pending', 'transient')))::int as Transient
        from {schema}.cache_result where run_id = @RunId
        """;

    /// <summary>On the job's last attempt: what is still transient is given up (recorded, not retried).</summary>
    public string GiveUp { get; } = $"""
        update {schema}.cache_result set outcome = 'gave_up'
        where run_id = @RunId and outcome = 'transient'
        """;

    /// <summary>Closes the run with its counts.</summary>
    public string FinishRun { get; } = $"""
        update {schema}.cache_run
        set status = @Status, finished_at = now(), targets = @Targets, warm = @Warm, failed = @Failed
        where run_id = @RunId
        """;

    /// <summary>Deletes finished runs (and their results) older than the retention.</summary>
    public string Prune { get; } = $"delete from {schema}.cache_run where finished_at < now() - @Retention";
}
