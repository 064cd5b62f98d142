using Jobs.Engine.Client;
using Jobs.Engine.States;
using Jobs.Testing;

namespace Jobs.Engine.Tests.Server;

/// <summary>How attempts end: success, failure with backoff, dead letter, permanent failure, snooze, timeout, cancel.</summary>
public sealed class ExecutionTests : IAsyncLifetime
{
    private readonly Probe _probe = new();
    private TestSchema _schema = null!;

    public async Task InitializeAsync() => _schema = await TestSchema.CreateAsync();

    public async Task DisposeAsync() => await _schema.DisposeAsync();

    private Task<TestEngine> StartAsync(Action<Handlers.JobKindOptions>? fail = null, Action<Handlers.JobKindOptions>? hold = null,
        Dictionary<string, string?>? settings = null) =>
        TestEngine.StartAsync(_schema, jobs => jobs.AddTestHandlers(fail, hold), settings,
            services: s => Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions.AddSingleton(s, _probe));

    private static Task<JobInfo> FinishedAsync(TestEngine engine, long id, JobState state) =>
        Eventually.ReturnsAsync(async () => (await engine.Client.GetAsync(id))!, j => j.State == state,
            $"job {id} to be {state}")!;

    [Fact]
    public async Task A_job_runs_once_and_succeeds()
    {
        await using var engine = await StartAsync();
        var job = await engine.Client.EnqueueAsync(new RecordArgs("hello"), new EnqueueOptions { CorrelationId = "corr-7" });

        var info = await FinishedAsync(engine, job.Id, JobState.Succeeded);

        Assert.Equal(1, info.Attempt);
        Assert.NotNull(info.FinalizedAt);
        Assert.Equal(engine.Server.Identity.Id, info.ServerId);
        Assert.Equal(["hello"], _probe.Executions.Where(e => e.JobId == job.Id).Select(e => e.Tag));
        Assert.Contains(engine.Logs.Lines, l => l.Scope.TryGetValue("JobId", out var id) && (long)id! == job.Id
            && (string?)l.Scope["CorrelationId"] == "corr-7" && (int)l.Scope["Attempt"]! == 1);
    }

    [Fact]
    public async Task Failed_attempts_back_off_exponentially_and_end_dead_with_every_error()
    {
        await using var engine = await StartAsync(fail: o =>
        {
            o.MaxAttempts = 4;
            o.Retry = new Handlers.RetryOptions { BaseDelay = TimeSpan.FromMilliseconds(100), Jitter = 0 };
        });
        var job = await engine.Client.EnqueueAsync(new FailArgs("plain"));

        var info = await FinishedAsync(engine, job.Id, JobState.Dead);

        Assert.Equal(4, info.Attempt);
        Assert.Equal([1, 2, 3, 4], info.Errors.Select(e => e.Attempt));
        Assert.All(info.Errors, e =>
        {
            Assert.Equal("System.InvalidOperationException", e.Type);
            Assert.Equal($"failure on attempt {e.Attempt}", e.Error);
            Assert.Contains("FailHandler.ExecuteAsync", e.Stack);
        });
        // Each attempt started no sooner than its backoff after the previous failure: 100, 200, 400 ms.
        var starts = _probe.Executions.Where(e => e.JobId == job.Id).Select(e => e.At).ToList();
        for (var n = 1; n < 4; n++)
        {
            var waited = starts[n] - info.Errors[n - 1].At;
            Assert.True(waited >= TimeSpan.FromMilliseconds(100 * Math.Pow(2, n - 1)) - TimeSpan.FromMilliseconds(5),
                $"attempt {n + 1} started {waited.TotalMilliseconds} ms after failure {n}");
        }
    }

    [Fact]
    public async Task A_job_that_fails_once_then_succeeds_keeps_the_error_of_its_first_attempt()
    {
        await using var engine = await StartAsync(fail: o => o.Retry = new Handlers.RetryOptions { BaseDelay = TimeSpan.Zero });
        var job = await engine.Client.EnqueueAsync(new FailArgs("plain", SucceedOnAttempt: 2));

        var info = await FinishedAsync(engine, job.Id, JobState.Succeeded);

        Assert.Equal(2, info.Attempt);
        Assert.Equal(1, Assert.Single(info.Errors).Attempt);
    }

    [Fact]
    public async Task A_permanent_failure_goes_straight_to_dead()
    {
        await using var engine = await StartAsync(fail: o => o.MaxAttempts = 10);
        var job = await engine.Client.EnqueueAsync(new FailArgs("permanent"));

        var info = await FinishedAsync(engine, job.Id, JobState.Dead);

        Assert.Equal(1, info.Attempt);
        var error = Assert.Single(info.Errors);
        Assert.Equal("card declined", error.Error);
        Assert.Equal(1, _probe.Count(job.Id));
    }

    [Fact]
    public async Task A_snoozed_job_runs_again_later_without_spending_an_attempt()
    {
        await using var engine = await StartAsync(fail: o => o.MaxAttempts = 1);
        var job = await engine.Client.EnqueueAsync(new FailArgs("snooze", SucceedOnAttempt: 3, DelayMs: 200));

        var info = await FinishedAsync(engine, job.Id, JobState.Succeeded);

        // Two snoozes and a success on a job allowed one attempt: snoozing spent none.
        Assert.Equal(3, _probe.Count(job.Id));
        Assert.Equal(1, info.Attempt);
        Assert.Empty(info.Errors);
        var starts = _probe.Executions.Where(e => e.JobId == job.Id).Select(e => e.At).ToList();
        Assert.True(starts[1] - starts[0] >= TimeSpan.FromMilliseconds(195), $"ran again after {(starts[1] - starts[0]).TotalMilliseconds} ms");
    }

    [Fact]
    public async Task Retry_after_holds_the_next_attempt_back_at_least_that_long()
    {
        await using var engine = await StartAsync(fail: o => o.Retry = new Handlers.RetryOptions { BaseDelay = TimeSpan.Zero, Jitter = 0 });
        var job = await engine.Client.EnqueueAsync(new FailArgs("retry-after", SucceedOnAttempt: 2, DelayMs: 300));

        var info = await FinishedAsync(engine, job.Id, JobState.Succeeded);

        Assert.Equal(2, info.Attempt);
        var starts = _probe.Executions.Where(e => e.JobId == job.Id).Select(e => e.At).ToList();
        Assert.True(starts[1] - info.Errors[0].At >= TimeSpan.FromMilliseconds(295));
    }

    [Fact]
    public async Task A_timeout_fires_the_token_and_counts_as_a_failed_attempt()
    {
        await using var engine = await StartAsync(hold: o =>
        {
            o.Timeout = TimeSpan.FromMilliseconds(200);
            o.MaxAttempts = 2;
            o.Retry = new Handlers.RetryOptions { BaseDelay = TimeSpan.Zero };
        });
        var job = await engine.Client.EnqueueAsync(new HoldArgs(-1));

        var info = await FinishedAsync(engine, job.Id, JobState.Dead);

        Assert.Equal(2, info.Attempt);
        Assert.All(info.Errors, e => Assert.Equal("timeout", e.Type));
        Assert.Contains("Timed out after 00:00:00.2", info.Errors[0].Error);
        Assert.Equal(2, _probe.TokenFired.Count(id => id == job.Id));
    }

    [Fact]
    public async Task A_job_timeout_overrides_its_kind()
    {
        await using var engine = await StartAsync(hold: o => { o.Timeout = TimeSpan.FromHours(1); o.MaxAttempts = 1; });
        var job = await engine.Client.EnqueueAsync(new HoldArgs(-1), new EnqueueOptions { Timeout = TimeSpan.FromMilliseconds(150) });

        var info = await FinishedAsync(engine, job.Id, JobState.Dead);

        Assert.Equal("timeout", Assert.Single(info.Errors).Type);
    }

    [Fact]
    public async Task Cancelling_a_running_job_fires_its_token_through_the_notification()
    {
        // A heartbeat far away: only the cancel notification can reach the handler in time.
        await using var engine = await StartAsync(settings: new()
        {
            ["Jobs:Server:HeartbeatInterval"] = "00:01:00",
            ["Jobs:Server:ServerTimeout"] = "00:05:00",
        });
        var job = await engine.Client.EnqueueAsync(new HoldArgs(-1));
        await Eventually.TrueAsync(() => Task.FromResult(_probe.Count(job.Id) == 1), "the job to start");

        Assert.True(await engine.Client.CancelAsync(job.Id));

        await Eventually.TrueAsync(() => Task.FromResult(_probe.TokenFired.Contains(job.Id)), "the token to fire", TimeSpan.FromSeconds(10));
        var info = await engine.Client.GetAsync(job.Id);
        Assert.Equal(JobState.Cancelled, info!.State);
        Assert.Empty(info.Errors);
    }

    [Fact]
    public async Task An_unknown_kind_is_dead_at_once_with_a_reason_that_names_it()
    {
        await using var engine = await StartAsync();
        var id = await _schema.ScalarAsync<long>("select {s}.enqueue('nobody.handles.this', '{}')");

        var info = await FinishedAsync(engine, id, JobState.Dead);

        Assert.Equal(1, info.Attempt);
        var error = Assert.Single(info.Errors);
        Assert.Equal("unknown_kind", error.Type);
        Assert.Contains("No handler is registered for kind 'nobody.handles.this'", error.Error);
        Assert.Contains("test.record", error.Error);
    }

    [Fact]
    public async Task Args_that_do_not_bind_are_dead_with_the_binding_error()
    {
        await using var engine = await StartAsync();
        var wrongType = await _schema.ScalarAsync<long>("""select {s}.enqueue('test.hold', '{"ms": "soon"}')""");
        var missing = await _schema.ScalarAsync<long>("""select {s}.enqueue('test.record', '{"other": 1}')""");

        var typeError = Assert.Single((await FinishedAsync(engine, wrongType, JobState.Dead)).Errors);
        var missingError = Assert.Single((await FinishedAsync(engine, missing, JobState.Dead)).Errors);

        Assert.Equal("binding", typeError.Type);
        Assert.Contains("do not bind to HoldArgs", typeError.Error);
        Assert.Contains("$.ms", typeError.Error);
        Assert.Equal("binding", missingError.Type);
        Assert.Contains("tag", missingError.Error, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(0, _probe.Count(wrongType) + _probe.Count(missing));
    }

    [Fact]
    public async Task A_job_enqueued_to_an_idle_server_is_picked_up_through_the_notification()
    {
        // Polling far away: only LISTEN/NOTIFY can wake the server in time.
        await using var engine = await StartAsync(settings: new() { ["Jobs:Server:PollInterval"] = "00:05:00" });
        await Task.Delay(300); // let the first claims find the queue empty and the server go idle

        var job = await engine.Client.EnqueueAsync(new RecordArgs("wake up"));

        await FinishedAsync(engine, job.Id, JobState.Succeeded);
    }

    [Fact]
    public async Task Jobs_enqueued_on_a_callers_transaction_and_synchronously_wake_an_idle_server_too()
    {
        // The enqueue of a caller's transaction notifies with its commit; the engine's own enqueues
        // (async and synchronous) notify once their insert committed.
        await using var engine = await StartAsync(settings: new() { ["Jobs:Server:PollInterval"] = "00:05:00" });
        await Task.Delay(300);

        await using (var connection = await _schema.DataSource.OpenConnectionAsync())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            var inTransaction = await engine.Client.EnqueueAsync(transaction, new RecordArgs("in a transaction"));
            await Task.Delay(300);
            Assert.Empty(_probe.Executions); // not before the commit
            await transaction.CommitAsync();
            await FinishedAsync(engine, inTransaction.Id, JobState.Succeeded);
        }

        var synchronous = engine.Client.EnqueueMany([JobRequest.Create(new RecordArgs("synchronously"))]);
        await FinishedAsync(engine, Assert.Single(synchronous).Id, JobState.Succeeded);
        Assert.Equal(["in a transaction", "synchronously"], _probe.Executions.Select(e => e.Tag));
    }

    [Fact]
    public async Task Requeueing_a_dead_job_gives_it_another_attempt()
    {
        await using var engine = await StartAsync(fail: o => o.MaxAttempts = 1);
        var job = await engine.Client.EnqueueAsync(new FailArgs("plain", SucceedOnAttempt: 2));
        await FinishedAsync(engine, job.Id, JobState.Dead);

        Assert.True(await engine.Client.RequeueAsync(job.Id));

        var info = await FinishedAsync(engine, job.Id, JobState.Succeeded);
        Assert.Equal(2, info.Attempt);
        Assert.Single(info.Errors);
    }

    [Theory]
    [InlineData("snooze-forever", JobState.Scheduled)]
    [InlineData("retry-after-forever", JobState.Retrying)]
    public async Task A_handler_asking_to_wait_forever_waits_ten_years_at_most(string mode, JobState state)
    {
        await using var engine = await StartAsync();
        var job = await engine.Client.EnqueueAsync(new FailArgs(mode));

        var info = await FinishedAsync(engine, job.Id, state);

        // As far ahead as an enqueue may put a job, so every page can show it.
        Assert.InRange(info.ScheduledAt - DateTimeOffset.UtcNow, EnqueueLimits.MaxDelay - TimeSpan.FromHours(1), EnqueueLimits.MaxDelay);
    }
}
