using Jobs.Engine.Client;
using Jobs.Engine.States;
using Jobs.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Jobs.Engine.Tests.Client;

/// <summary>Continuations (EnqueueOptions.After): awaiting until the parent finishes, then run or cancelled; reserved ids.</summary>
public sealed class ContinuationTests : IAsyncLifetime
{
    private readonly Probe _probe = new();
    private TestSchema _schema = null!;

    public async Task InitializeAsync() => _schema = await TestSchema.CreateAsync();

    public async Task DisposeAsync() => await _schema.DisposeAsync();

    private Task<TestEngine> StartAsync(bool server = true) =>
        TestEngine.StartAsync(_schema, jobs => jobs.AddTestHandlers(
                fail: o => { o.MaxAttempts = 1; },
                hold: o => o.Timeout = TimeSpan.FromMinutes(5)),
            server: server, services: s => s.AddSingleton(_probe));

    private static Task<JobInfo> StateAsync(TestEngine engine, long id, JobState state) =>
        Eventually.ReturnsAsync(async () => (await engine.Client.GetAsync(id))!, j => j.State == state, $"job {id} to be {state}");

    [Fact]
    public async Task A_continuation_awaits_its_running_parent_and_runs_after_it_succeeds()
    {
        await using var engine = await StartAsync();
        var parent = await engine.Client.EnqueueAsync(new HoldArgs(1500));
        await StateAsync(engine, parent.Id, JobState.Running);

        var child = await engine.Client.EnqueueAsync(new RecordArgs("after"), new EnqueueOptions { After = parent.Id });

        var awaiting = (await engine.Client.GetAsync(child.Id))!;
        Assert.Equal(JobState.Awaiting, awaiting.State);
        Assert.Equal(parent.Id, awaiting.After);
        Assert.Equal(ContinueWhen.Succeeded, awaiting.ContinueWhen);
        var ran = await StateAsync(engine, child.Id, JobState.Succeeded);
        var parentDone = (await engine.Client.GetAsync(parent.Id))!;
        Assert.Equal(JobState.Succeeded, parentDone.State);
        Assert.True(_probe.Executions.Single(e => e.JobId == child.Id).At >= parentDone.FinalizedAt,
            "the continuation started before its parent finished");
        Assert.True(ran.ScheduledAt >= parentDone.FinalizedAt!.Value.AddMilliseconds(-5), "a released continuation is due from its release");
    }

    [Fact]
    public async Task A_cancelled_parent_cancels_continuations_on_success_and_runs_those_on_any_finish()
    {
        await using var engine = await StartAsync();
        var parent = await engine.Client.EnqueueAsync(new RecordArgs("parent"), new EnqueueOptions { Delay = TimeSpan.FromHours(1) });
        var onSuccess = await engine.Client.EnqueueAsync(new RecordArgs("on-success"), new EnqueueOptions { After = parent.Id });
        var onFinish = await engine.Client.EnqueueAsync(new RecordArgs("on-finish"),
            new EnqueueOptions { After = parent.Id, ContinueWhen = ContinueWhen.Finished });
        var grandchild = await engine.Client.EnqueueAsync(new RecordArgs("grandchild"), new EnqueueOptions { After = onSuccess.Id });

        Assert.True(await engine.Client.CancelAsync(parent.Id));

        await StateAsync(engine, onFinish.Id, JobState.Succeeded);
        var cancelled = (await engine.Client.GetAsync(onSuccess.Id))!;
        Assert.Equal(JobState.Cancelled, cancelled.State);
        Assert.Equal("parent_cancelled", Assert.Single(cancelled.Errors).Type);
        Assert.Contains($"Job {parent.Id}", cancelled.Errors[0].Error);
        Assert.Equal(JobState.Cancelled, (await engine.Client.GetAsync(grandchild.Id))!.State);
        Assert.Equal(0, _probe.Count(onSuccess.Id));
    }

    [Fact]
    public async Task A_dead_parent_keeps_its_continuation_awaiting_until_it_is_requeued_and_succeeds()
    {
        await using var engine = await StartAsync();
        var parent = await engine.Client.EnqueueAsync(new FailArgs("plain", SucceedOnAttempt: 2));
        await StateAsync(engine, parent.Id, JobState.Dead);
        var child = await engine.Client.EnqueueAsync(new RecordArgs("child"),
            new EnqueueOptions { After = parent.Id, ContinueWhen = ContinueWhen.Finished });
        Assert.Equal(JobState.Awaiting, (await engine.Client.GetAsync(child.Id))!.State);

        Assert.True(await engine.Client.RequeueAsync(parent.Id));

        await StateAsync(engine, child.Id, JobState.Succeeded);
        Assert.Equal(JobState.Succeeded, (await engine.Client.GetAsync(parent.Id))!.State);
    }

    [Fact]
    public async Task A_continuation_of_a_finished_parent_runs_or_is_cancelled_at_once()
    {
        await using var engine = await StartAsync(server: false);
        var succeeded = await engine.Client.EnqueueAsync(new RecordArgs("p1"));
        await _schema.ExecuteAsync("update {s}.job set state = 'succeeded', finalized_at = now() where id = @id", new { id = succeeded.Id });
        var cancelled = await engine.Client.EnqueueAsync(new RecordArgs("p2"));
        Assert.True(await engine.Client.CancelAsync(cancelled.Id));

        var a = await engine.Client.EnqueueAsync(new RecordArgs("a"), new EnqueueOptions { After = succeeded.Id });
        var b = await engine.Client.EnqueueAsync(new RecordArgs("b"), new EnqueueOptions { After = cancelled.Id });
        var c = await engine.Client.EnqueueAsync(new RecordArgs("c"), new EnqueueOptions { After = cancelled.Id, ContinueWhen = ContinueWhen.Finished });
        var d = await engine.Client.EnqueueAsync(new RecordArgs("d"), new EnqueueOptions { After = succeeded.Id, Delay = TimeSpan.FromHours(1) });

        Assert.Equal(JobState.Available, (await engine.Client.GetAsync(a.Id))!.State);
        var cancelledChild = (await engine.Client.GetAsync(b.Id))!;
        Assert.Equal(JobState.Cancelled, cancelledChild.State);
        Assert.NotNull(cancelledChild.FinalizedAt);
        Assert.Equal(JobState.Available, (await engine.Client.GetAsync(c.Id))!.State);
        Assert.Equal(JobState.Scheduled, (await engine.Client.GetAsync(d.Id))!.State);
    }

    [Fact]
    public async Task An_awaiting_continuation_can_be_cancelled_requeued_and_deleted()
    {
        await using var engine = await StartAsync(server: false);
        var parent = await engine.Client.EnqueueAsync(new RecordArgs("parent"));
        var one = await engine.Client.EnqueueAsync(new RecordArgs("one"), new EnqueueOptions { After = parent.Id });
        var two = await engine.Client.EnqueueAsync(new RecordArgs("two"), new EnqueueOptions { After = parent.Id });
        var three = await engine.Client.EnqueueAsync(new RecordArgs("three"), new EnqueueOptions { After = parent.Id });

        Assert.True(await engine.Client.CancelAsync(one.Id));
        Assert.True(await engine.Client.RequeueAsync(two.Id));
        Assert.True(await engine.Client.DeleteAsync(three.Id));

        Assert.Equal(JobState.Cancelled, (await engine.Client.GetAsync(one.Id))!.State);
        Assert.Equal(JobState.Available, (await engine.Client.GetAsync(two.Id))!.State);
        Assert.Null(await engine.Client.GetAsync(three.Id));
        var counts = await engine.Services.GetRequiredService<Jobs.Engine.Monitoring.JobsMonitor>().CountByStateAsync();
        Assert.Equal(0, counts.Single(c => c.State == JobState.Awaiting).Jobs);
    }

    [Fact]
    public async Task Deleting_a_parent_counts_as_cancelling_it_for_its_continuations()
    {
        await using var engine = await StartAsync(server: false);
        var parent = await engine.Client.EnqueueAsync(new RecordArgs("parent"));
        var onSuccess = await engine.Client.EnqueueAsync(new RecordArgs("s"), new EnqueueOptions { After = parent.Id });
        var onFinish = await engine.Client.EnqueueAsync(new RecordArgs("f"), new EnqueueOptions { After = parent.Id, ContinueWhen = ContinueWhen.Finished });
        var counts = await engine.Services.GetRequiredService<Jobs.Engine.Monitoring.JobsMonitor>().CountByStateAsync();
        Assert.Equal(2, counts.Single(c => c.State == JobState.Awaiting).Jobs);

        Assert.True(await engine.Client.DeleteAsync(parent.Id));

        Assert.Equal(JobState.Cancelled, (await engine.Client.GetAsync(onSuccess.Id))!.State);
        Assert.Equal("parent_deleted", (await engine.Client.GetAsync(onSuccess.Id))!.Errors.Single().Type);
        Assert.Equal(JobState.Available, (await engine.Client.GetAsync(onFinish.Id))!.State);
    }

    [Fact]
    public async Task A_continuation_of_a_job_that_does_not_exist_is_refused()
    {
        await using var engine = await StartAsync(server: false);

        var e = await Assert.ThrowsAsync<ArgumentException>(() =>
            engine.Client.EnqueueAsync(new RecordArgs("x"), new EnqueueOptions { After = 987654 }));
        Assert.Contains("job 987654, which it continues (after), does not exist", e.Message);
        var invalid = await Assert.ThrowsAsync<ArgumentException>(() =>
            engine.Client.EnqueueAsync(new RecordArgs("x"), new EnqueueOptions { After = 0 }));
        Assert.Equal(nameof(EnqueueOptions.After), invalid.ParamName);
        Assert.Equal(0, await _schema.ScalarAsync<long>("select count(*) from {s}.job"));
    }

    [Fact]
    public async Task Continuations_enqueued_while_their_parents_finish_all_run()
    {
        // The race the engine must win: a continuation enqueued while its parent completes must
        // never be left awaiting. Parents finish as fast as the server runs them; each gets its
        // continuation at once from several client tasks.
        await using var engine = await StartAsync();
        var parents = new List<long>();
        var children = new System.Collections.Concurrent.ConcurrentBag<long>();
        await Parallel.ForEachAsync(Enumerable.Range(0, 200), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            var parent = await engine.Client.EnqueueAsync(new RecordArgs($"p{i}"), cancellationToken: ct);
            lock (parents)
            {
                parents.Add(parent.Id);
            }
            if (i % 3 == 0)
            {
                await Task.Delay(i % 7, ct);
            }
            var child = await engine.Client.EnqueueAsync(new RecordArgs($"c{i}"), new EnqueueOptions { After = parent.Id }, ct);
            children.Add(child.Id);
        });

        await Eventually.TrueAsync(async () => await _schema.ScalarAsync<long>(
                "select count(*) from {s}.job where id = any(@ids) and state = 'succeeded'", new { ids = children.ToArray() }) == children.Count,
            "every continuation to succeed", TimeSpan.FromSeconds(60));
        foreach (var child in children)
        {
            var info = (await engine.Client.GetAsync(child))!;
            var parent = (await engine.Client.GetAsync(info.After!.Value))!;
            Assert.True(_probe.Executions.Single(e => e.JobId == child).At >= parent.FinalizedAt!.Value.AddMilliseconds(-1),
                $"continuation {child} ran before its parent {parent.Id} finished");
        }
    }

    [Fact]
    public async Task A_reserved_id_names_the_job_and_an_id_never_reserved_is_refused()
    {
        await using var engine = await StartAsync(server: false);
        var ids = await engine.Client.ReserveIdsAsync(3);
        Assert.Equal(3, ids.Distinct().Count());

        var job = await engine.Client.EnqueueAsync(new RecordArgs("named"), new EnqueueOptions { Id = ids[1] });
        var next = await engine.Client.EnqueueAsync(new RecordArgs("next"));

        Assert.Equal(ids[1], job.Id);
        Assert.True(next.Id > ids[2]);
        var e = await Assert.ThrowsAsync<ArgumentException>(() =>
            engine.Client.EnqueueAsync(new RecordArgs("mine"), new EnqueueOptions { Id = next.Id + 1000 }));
        Assert.Contains("was not reserved", e.Message);
    }

    [Fact]
    public async Task A_handler_can_cancel_its_own_job_with_a_reason()
    {
        await using var engine = await TestEngine.StartAsync(_schema,
            jobs => jobs.AddHandler<CancellingHandler, CancellingArgs>(), services: s => s.AddSingleton(_probe));
        var job = await engine.Client.EnqueueAsync(new CancellingArgs());
        var after = await engine.Client.EnqueueAsync(new CancellingArgs(), new EnqueueOptions { After = job.Id, ContinueWhen = ContinueWhen.Finished });

        var info = await StateAsync(engine, job.Id, JobState.Cancelled);

        Assert.Equal("no longer wanted", Assert.Single(info.Errors).Error);
        Assert.Equal(typeof(Handlers.CancelJobException).FullName, info.Errors[0].Type);
        Assert.NotEqual(JobState.Awaiting, (await StateAsync(engine, after.Id, JobState.Cancelled)).State);
    }
}

public sealed record CancellingArgs : Handlers.IJobArgs
{
    public static string Kind => "test.cancelling";
}

public sealed class CancellingHandler : Handlers.IJobHandler<CancellingArgs>
{
    public Task ExecuteAsync(Handlers.JobContext<CancellingArgs> job, CancellationToken cancellationToken) =>
        throw new Handlers.CancelJobException("no longer wanted");
}
