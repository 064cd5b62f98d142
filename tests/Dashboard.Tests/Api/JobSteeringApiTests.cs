using System.Net;
using Jobs.Engine.Client;
using Jobs.Engine.Diagnostics;
using Jobs.Engine.States;
using Jobs.Operators;
using Jobs.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Jobs.Dashboard.Tests.Api;

public sealed class JobSteeringApiTests : ApiTest
{
    [Fact]
    public async Task Retrying_a_dead_job_runs_it_again_on_a_worker()
    {
        await using var worker = await TestEngine.StartAsync(Host.Schema, jobs => jobs.AddDiagnosticJobs());
        var failing = (await (await Api.PostJsonAsync("/api/v1/jobs", """{"kind": "diag.fail", "args": {"message": "boom"}, "maxAttempts": 1}""")).JsonAsync()).Id();
        await Eventually.TrueAsync(async () => (await Host.Jobs.GetAsync(failing))!.State == JobState.Dead, "the failing job to die");

        var retry = await Api.PostAsync($"/api/v1/jobs/{failing}/retry", null);

        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal("available", (await retry.JsonAsync()).GetProperty("state").GetString());
        var job = await Eventually.ReturnsAsync(() => Host.Jobs.GetAsync(failing), j => j!.Errors.Count == 2, "the retried attempt to run");
        Assert.Equal(JobState.Dead, job!.State);
        Assert.Equal(2, job.Attempt);
    }

    [Fact]
    public async Task Retrying_a_cancelled_job_runs_it_to_success()
    {
        var id = (await (await Api.PostJsonAsync("/api/v1/jobs", """{"kind": "diag.noop", "delaySeconds": 3600}""")).JsonAsync()).Id();
        Assert.Equal(HttpStatusCode.OK, (await Api.PostAsync($"/api/v1/jobs/{id}/cancel", null)).StatusCode);
        await using var worker = await TestEngine.StartAsync(Host.Schema, jobs => jobs.AddDiagnosticJobs());

        Assert.Equal(HttpStatusCode.OK, (await Api.PostAsync($"/api/v1/jobs/{id}/retry", null)).StatusCode);

        await Eventually.TrueAsync(async () => (await Host.Jobs.GetAsync(id))!.State == JobState.Succeeded, "the retried job to succeed");
    }

    [Fact]
    public async Task Retrying_a_job_that_is_waiting_to_run_is_a_409()
    {
        var id = (await Host.Jobs.EnqueueAsync(new NoopArgs())).Id;

        var response = await Api.PostAsync($"/api/v1/jobs/{id}/retry", null);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("available", (await response.ProblemAsync()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Cancelling_stops_a_job_and_cancelling_it_again_is_a_409()
    {
        var id = (await Host.Jobs.EnqueueAsync(new NoopArgs(), new EnqueueOptions { Delay = TimeSpan.FromHours(1) })).Id;

        var cancel = await Api.PostAsync($"/api/v1/jobs/{id}/cancel", null);
        var again = await Api.PostAsync($"/api/v1/jobs/{id}/cancel", null);

        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        Assert.Equal("cancelled", (await cancel.JsonAsync()).GetProperty("state").GetString());
        Assert.Equal(JobState.Cancelled, (await Host.Jobs.GetAsync(id))!.State);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        await again.ProblemAsync();
    }

    [Fact]
    public async Task Deleting_removes_the_job()
    {
        var id = (await Host.Jobs.EnqueueAsync(new NoopArgs())).Id;

        var delete = await Api.DeleteAsync($"/api/v1/jobs/{id}");

        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.Null(await Host.Jobs.GetAsync(id));
        Assert.Equal(HttpStatusCode.NotFound, (await Api.GetAsync($"/api/v1/jobs/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Api.DeleteAsync($"/api/v1/jobs/{id}")).StatusCode);
    }

    [Fact]
    public async Task Bulk_requeue_requeues_only_the_matching_jobs_and_says_how_many()
    {
        var jobs = Host.Jobs;
        var later = new EnqueueOptions { Delay = TimeSpan.FromHours(1), Tags = ["batch-7"] };
        var matching = new List<long>();
        for (var i = 0; i < 3; i++)
        {
            matching.Add((await jobs.EnqueueAsync(new NoopArgs(), later)).Id);
        }
        var otherTag = (await jobs.EnqueueAsync(new NoopArgs(), later with { Tags = ["batch-8"] })).Id;
        var otherKind = (await jobs.EnqueueAsync(new FailArgs("x"), later)).Id;
        var stillScheduled = (await jobs.EnqueueAsync(new NoopArgs(), later)).Id;
        foreach (var id in matching.Append(otherTag).Append(otherKind))
        {
            await jobs.CancelAsync(id);
        }

        var response = await Api.PostJsonAsync("/api/v1/jobs/requeue", """{"states": ["cancelled"], "kinds": ["diag.noop"], "tag": "batch-7"}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, (await response.JsonAsync()).GetProperty("requeued").GetInt32());
        foreach (var id in matching)
        {
            Assert.Equal(JobState.Available, (await jobs.GetAsync(id))!.State);
        }
        Assert.Equal(JobState.Cancelled, (await jobs.GetAsync(otherTag))!.State);
        Assert.Equal(JobState.Cancelled, (await jobs.GetAsync(otherKind))!.State);
        Assert.Equal(JobState.Scheduled, (await jobs.GetAsync(stillScheduled))!.State);
    }

    [Theory]
    [InlineData("{}", "$")]
    [InlineData("""{"states": ["gone"]}""", "states")]
    [InlineData("""{"state": "dead"}""", "state")]
    public async Task Bulk_requeue_refuses_an_empty_or_bad_filter(string filter, string field)
    {
        await Host.Jobs.EnqueueAsync(new NoopArgs(), new EnqueueOptions { Delay = TimeSpan.FromHours(1) });

        var response = await Api.PostJsonAsync("/api/v1/jobs/requeue", filter);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal([field], (await response.ProblemAsync()).ErrorKeys());
        Assert.Equal(0, await Host.Schema.ScalarAsync<long>("select count(*) from {s}.job where state = 'available'"));
    }

    [Fact]
    public async Task A_producer_key_may_not_steer_jobs()
    {
        using var producer = Host.Client(await Host.CreateKeyAsync(ApiKeyRole.Producer));
        var id = (await Host.Jobs.EnqueueAsync(new NoopArgs(), new EnqueueOptions { Delay = TimeSpan.FromHours(1) })).Id;

        var responses = new[]
        {
            await producer.PostAsync($"/api/v1/jobs/{id}/retry", null),
            await producer.PostAsync($"/api/v1/jobs/{id}/cancel", null),
            await producer.DeleteAsync($"/api/v1/jobs/{id}"),
            await producer.PostJsonAsync("/api/v1/jobs/requeue", """{"kinds": ["diag.noop"]}"""),
        };

        foreach (var response in responses)
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            await response.ProblemAsync();
        }
        Assert.Equal(JobState.Scheduled, (await Host.Jobs.GetAsync(id))!.State);
        Assert.Equal(HttpStatusCode.OK, (await producer.GetAsync($"/api/v1/jobs/{id}")).StatusCode);
    }

    [Fact]
    public async Task Every_change_is_in_the_audit_log_with_the_key_as_actor()
    {
        var one = (await (await Api.PostJsonAsync("/api/v1/jobs", """{"kind": "diag.noop", "delaySeconds": 3600}""")).JsonAsync()).Id();
        await Api.PostJsonAsync("/api/v1/jobs/batch", """[{"kind": "diag.noop", "tags": ["b"]}, {"kind": "diag.fail", "args": {"message": "m"}, "tags": ["b"]}]""");
        await Api.PostAsync($"/api/v1/jobs/{one}/cancel", null);
        await Api.PostAsync($"/api/v1/jobs/{one}/retry", null);
        await Api.PostJsonAsync("/api/v1/jobs/requeue", """{"states": ["dead", "cancelled"], "tag": "none-such"}""");
        await Api.DeleteAsync($"/api/v1/jobs/{one}");

        var entries = (await Host.Services.GetRequiredService<AuditLog>().ListAsync()).Reverse().ToList();

        Assert.Equal(["jobs.enqueue", "jobs.enqueue_batch", "jobs.cancel", "jobs.retry", "jobs.requeue", "jobs.delete"], entries.Select(e => e.Action));
        Assert.All(entries, e => Assert.Equal("api_key", e.ActorKind));
        Assert.All(entries, e => Assert.StartsWith("ops-bot (", e.Actor));
        Assert.Equal([1L, 2L, 1L, 1L, 0L, 1L], entries.Select(e => e.JobCount ?? -1));
        Assert.Equal($"job {one}", entries[2].Target);
        Assert.Contains("tag=none-such", entries[4].Target);
    }
}
