using Jobs.CacheWarming;
using Jobs.Engine.Client;
using Jobs.Engine.States;
using Jobs.Sandbox.CacheTargets;
using Jobs.Testing;
using Jobs.Tests.Support;

namespace Jobs.Tests.CacheWarming;

/// <summary>cache.warm against the sandbox's cache targets on loopback.</summary>
public sealed class CacheWarmingTests : IAsyncLifetime
{
    private TestSchema _schema = null!;
    private SandboxHost _sandbox = null!;

    private CacheTargetsState Peer => _sandbox.Get<CacheTargetsState>();

    public async Task InitializeAsync()
    {
        _schema = await TestSchema.CreateAsync();
        _sandbox = await SandboxHost.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _sandbox.DisposeAsync();
        await _schema.DisposeAsync();
    }

    [Fact]
    public async Task Every_target_is_requested_once_and_recorded_warm_with_status_latency_and_bytes()
    {
        await using var engine = await StartAsync(Pages("a", "b", "c"));

        var job = await RunAsync(engine);

        Assert.Equal(JobState.Succeeded, job.State);
        Assert.Equal(1, job.Attempt);
        var results = await ResultsAsync($"job-{job.Id}");
        Assert.Equal(Pages("a", "b", "c"), results.Select(r => r.Url));
        Assert.All(results, r =>
        {
            Assert.Equal("warm", r.Outcome);
            Assert.Equal(200, r.HttpStatus);
            Assert.Equal(1, r.Requests);
            Assert.True(r.LatencyMs >= 0);
            Assert.True(r.Bytes > 0);
        });
        foreach (var page in new[] { "a", "b", "c" })
        {
            Assert.Equal(1, Peer.Count($"/cache/pages/{page}", 200));
        }
        // The bytes recorded are the body the peer sent.
        using var http = new HttpClient();
        var body = await http.GetByteArrayAsync(Pages("a")[0]);
        Assert.Equal(body.Length, results[0].Bytes);
        Assert.Equal("warm", await _schema.ScalarAsync<string>("select status from {app}.cache_run where run_id = @Id", new { Id = $"job-{job.Id}" }));
    }

    [Fact]
    public async Task A_second_run_sends_the_validators_of_the_first_and_counts_304_as_warm()
    {
        await using var engine = await StartAsync(Pages("a", "b", "c"));
        await RunAsync(engine);
        Assert.Equal(200, Peer.Requests.Single(r => r.Path == "/cache/pages/a").Status);
        Peer.Change("/cache/pages/c");

        var second = await RunAsync(engine);

        Assert.Equal(JobState.Succeeded, second.State);
        var results = await ResultsAsync($"job-{second.Id}");
        Assert.Equal(["not_modified", "not_modified", "warm"], results.Select(r => r.Outcome));
        Assert.Equal([304, 304, 200], results.Select(r => r.HttpStatus));
        var conditional = Peer.Requests.Where(r => r.Path == "/cache/pages/a").ToList();
        Assert.Null(conditional[0].IfNoneMatch);
        Assert.NotNull(conditional[1].IfNoneMatch);
        Assert.NotNull(conditional[1].IfModifiedSince);
        Assert.Equal("warm", await _schema.ScalarAsync<string>("select status from {app}.cache_run where run_id = @Id", new { Id = $"job-{second.Id}" }));

        // The changed page's new validators were kept: a third run finds everything unchanged.
        var third = await RunAsync(engine);
        Assert.All(await ResultsAsync($"job-{third.Id}"), r => Assert.Equal(304, r.HttpStatus));
    }

    [Fact]
    public async Task One_bad_url_is_recorded_as_failed_without_retry_while_the_rest_are_warm_and_the_job_succeeds()
    {
        Peer.AlwaysAnswer("/cache/pages/gone", 404);
        await using var engine = await StartAsync(Pages("a", "gone", "b"), maxAttempts: 4);

        var job = await RunAsync(engine);

        Assert.Equal(JobState.Succeeded, job.State);
        Assert.Equal(1, job.Attempt);
        var results = (await ResultsAsync($"job-{job.Id}")).ToDictionary(r => r.Url[(r.Url.LastIndexOf('/') + 1)..]);
        Assert.Equal("failed", results["gone"].Outcome);
        Assert.Equal(404, results["gone"].HttpStatus);
        Assert.Contains("404", results["gone"].Error);
        Assert.Equal("warm", results["a"].Outcome);
        Assert.Equal("warm", results["b"].Outcome);
        Assert.Equal(1, Peer.Count("/cache/pages/gone"));
        var run = await RunRowAsync($"job-{job.Id}");
        Assert.Equal(("partial", 3, 2, 1), (run.Status, run.Targets, run.Warm, run.Failed));
    }

    [Fact]
    public async Task A_transient_failure_fails_the_attempt_and_the_retry_requests_only_that_target()
    {
        Peer.FailNext("/cache/pages/b", 1, 503);
        await using var engine = await StartAsync(Pages("a", "b", "c"), maxAttempts: 4);

        var job = await RunAsync(engine);

        Assert.Equal(JobState.Succeeded, job.State);
        Assert.Equal(2, job.Attempt);
        Assert.Contains("1 of 3 targets", Assert.Single(job.Errors).Error);
        Assert.Equal(1, Peer.Count("/cache/pages/a"));
        Assert.Equal(2, Peer.Count("/cache/pages/b"));
        Assert.Equal(1, Peer.Count("/cache/pages/c"));
        var b = (await ResultsAsync($"job-{job.Id}")).Single(r => r.Url.EndsWith("/b", StringComparison.Ordinal));
        Assert.Equal(("warm", 2, 200), (b.Outcome, b.Requests, b.HttpStatus));
        Assert.Equal(2, (await RunRowAsync($"job-{job.Id}")).Attempts);
    }

    [Fact]
    public async Task What_still_fails_on_the_last_attempt_is_given_up_and_the_run_ends_partial_not_dead()
    {
        Peer.AlwaysAnswer("/cache/pages/b", 503);
        await using var engine = await StartAsync(Pages("a", "b"), maxAttempts: 3);

        var job = await RunAsync(engine);

        Assert.Equal(JobState.Succeeded, job.State);
        Assert.Equal(3, job.Attempt);
        Assert.Equal(1, Peer.Count("/cache/pages/a"));
        Assert.Equal(3, Peer.Count("/cache/pages/b"));
        var b = (await ResultsAsync($"job-{job.Id}")).Single(r => r.Url.EndsWith("/b", StringComparison.Ordinal));
        Assert.Equal(("gave_up", 3, 503), (b.Outcome, b.Requests, b.HttpStatus));
        Assert.Equal("partial", (await RunRowAsync($"job-{job.Id}")).Status);

        // An operator's requeue finishes what is left: only the given-up target is requested again.
        Peer.Clear("/cache/pages/b");
        Assert.True(await engine.Client.RequeueAsync(job.Id));
        await Eventually.TrueAsync(async () => (await RunRowAsync($"job-{job.Id}")).Status == "warm", "the requeued run to end warm");
        Assert.Equal(1, Peer.Count("/cache/pages/a"));
        Assert.Equal(4, Peer.Count("/cache/pages/b"));
    }

    [Fact]
    public async Task A_run_id_in_the_args_makes_a_second_job_of_the_same_run_skip_what_is_warm()
    {
        await using var engine = await StartAsync(Pages("a", "b"));

        await RunAsync(engine, new CacheWarmArgs("nightly-2024-05-01"));
        var again = await RunAsync(engine, new CacheWarmArgs("nightly-2024-05-01"));

        Assert.Equal(JobState.Succeeded, again.State);
        Assert.Equal(1, Peer.Count("/cache/pages/a"));
        Assert.Equal(1, Peer.Count("/cache/pages/b"));
        Assert.Equal(2, (await RunRowAsync("nightly-2024-05-01")).Attempts);
    }

    [Fact]
    public async Task A_sitemap_index_expands_to_its_sitemaps_and_their_pages_each_requested_once()
    {
        await using var engine = await StartAsync(
            urls: Pages("home"),
            sitemaps: [_sandbox.BaseUri + "cache/sitemap-index.xml"]);

        var job = await RunAsync(engine);

        Assert.Equal(JobState.Succeeded, job.State);
        var results = await ResultsAsync($"job-{job.Id}");
        var pages = results.Where(r => !r.IsSitemap).ToList();
        Assert.Equal(Pages("about", "contact", "home", "products", "products/1"), pages.Select(p => p.Url));
        Assert.All(results, r => Assert.Equal("warm", r.Outcome));
        Assert.Equal(2, results.Count(r => r.IsSitemap));
        Assert.All(pages.Where(p => !p.Url.EndsWith("/home", StringComparison.Ordinal)),
            p => Assert.Equal(_sandbox.BaseUri + "cache/sitemap.xml", p.ListedBy));
        foreach (var page in Peer.SitemapPages)
        {
            Assert.Equal(1, Peer.Count($"/cache/pages/{page}"));
        }
    }

    [Fact]
    public async Task Requests_in_flight_at_the_peer_never_exceed_the_configured_concurrency()
    {
        var names = Enumerable.Range(1, 12).Select(i => $"p{i}").ToArray();
        foreach (var name in names)
        {
            Peer.Delay($"/cache/pages/{name}", TimeSpan.FromMilliseconds(150));
        }
        await using var engine = await StartAsync(Pages(names), concurrency: 3);

        var job = await RunAsync(engine);

        Assert.Equal(JobState.Succeeded, job.State);
        Assert.All(await ResultsAsync($"job-{job.Id}"), r => Assert.Equal("warm", r.Outcome));
        Assert.InRange(Peer.MaxInFlight, 2, 3);
    }

    [Fact]
    public async Task A_request_slower_than_the_per_request_timeout_is_cut_and_recorded_while_the_others_are_warm()
    {
        Peer.Delay("/cache/pages/slow", TimeSpan.FromSeconds(20));
        // Three attempts, so a fast page that a busy machine slows past the timeout once is still warm in the end.
        await using var engine = await StartAsync(Pages("a", "slow"), maxAttempts: 3, requestTimeout: "00:00:01");

        var job = await RunAsync(engine);

        Assert.Equal(JobState.Succeeded, job.State);
        var results = (await ResultsAsync($"job-{job.Id}")).ToDictionary(r => r.Url[(r.Url.LastIndexOf('/') + 1)..]);
        Assert.Equal("warm", results["a"].Outcome);
        Assert.Equal("gave_up", results["slow"].Outcome);
        Assert.Null(results["slow"].HttpStatus);
        Assert.Equal(("timed out after 00:00:01", 3), (results["slow"].Error, results["slow"].Requests));
        Assert.True(results["slow"].LatencyMs < 10_000, $"the slow request took {results["slow"].LatencyMs} ms");
    }

    private string[] Pages(params string[] names) => names.Select(n => $"{_sandbox.BaseUri}cache/pages/{n}").ToArray();

    private Task<TestEngine> StartAsync(string[] urls, string[]? sitemaps = null, int concurrency = 4, int maxAttempts = 4,
        string requestTimeout = "00:00:05")
    {
        var settings = new Dictionary<string, string?>
        {
            ["App:CacheWarming:Concurrency"] = concurrency.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["App:CacheWarming:RequestTimeout"] = requestTimeout,
            ["Jobs:Kinds:cache.warm:MaxAttempts"] = maxAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Jobs:Kinds:cache.warm:Retry:BaseDelay"] = "00:00:00.050",
            ["Jobs:Kinds:cache.warm:Retry:Jitter"] = "0",
        };
        for (var i = 0; i < urls.Length; i++)
        {
            settings[$"App:CacheWarming:Urls:{i}"] = urls[i];
        }
        for (var i = 0; i < (sitemaps?.Length ?? 0); i++)
        {
            settings[$"App:CacheWarming:Sitemaps:{i}"] = sitemaps![i];
        }
        return BusinessEngine.StartAsync(_schema, settings);
    }

    private static async Task<JobInfo> RunAsync(TestEngine engine, CacheWarmArgs? args = null)
    {
        var job = await engine.Client.EnqueueAsync(args ?? new CacheWarmArgs());
        return await Eventually.ReturnsAsync(async () => (await engine.Client.GetAsync(job.Id))!,
            j => j.State is JobState.Succeeded or JobState.Dead, $"job {job.Id} to finish");
    }

    private Task<List<Result>> ResultsAsync(string runId) => _schema.QueryAsync<Result>(
        """
        select url, is_sitemap as IsSitemap, listed_by as ListedBy, outcome, requests, http_status as HttpStatus,
               latency_ms as LatencyMs, bytes, error
        from {app}.cache_result where run_id = @runId order by is_sitemap, url
        """,
        new { runId });

    private async Task<RunRow> RunRowAsync(string runId) => (await _schema.QueryAsync<RunRow>(
        "select status, attempts, targets, warm, failed from {app}.cache_run where run_id = @runId", new { runId })).Single();

    private sealed record Result(string Url, bool IsSitemap, string? ListedBy, string Outcome, int Requests, int? HttpStatus,
        double? LatencyMs, long? Bytes, string? Error);

    private sealed record RunRow(string Status, int Attempts, int? Targets, int? Warm, int? Failed);
}
