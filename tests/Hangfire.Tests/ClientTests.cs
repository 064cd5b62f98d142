using System.Text.Json;
using Hangfire;
using Jobs.Engine.States;

namespace Jobs.Hangfire.Tests;

/// <summary>Hangfire's client enqueues engine jobs that the engine's server runs.</summary>
public sealed class ClientTests : HangfireTestBase
{
    [Fact]
    public async Task Enqueue_of_a_static_method_is_one_engine_job_that_runs_and_succeeds()
    {
        var id = Client.Enqueue(() => StaticJobs.Record(Key, "static"));

        var job = await StateAsync(id, JobState.Succeeded);

        Assert.Equal("hangfire.job", job.Kind);
        Assert.Equal("default", job.Queue);
        Assert.Equal(11, job.MaxAttempts); // Hangfire's global [AutomaticRetry]: 10 retries
        using var args = JsonDocument.Parse(job.ArgsJson);
        Assert.Contains("StaticJobs", args.RootElement.GetProperty("type").GetString());
        Assert.Equal("Record", args.RootElement.GetProperty("method").GetString());
        Assert.Equal(["static"], Probe.Of(Key).Select(r => r.What));
        Assert.Equal(1, await Schema.ScalarAsync<long>("select count(*) from {s}.job"));
    }

    [Fact]
    public async Task Async_and_instance_methods_run_with_their_target_from_the_jobs_scope()
    {
        var async = Client.Enqueue(() => StaticJobs.RecordAsync(Key, "async"));
        var instance = Client.Enqueue<Greeter>(g => g.GreetAsync(Key, "Ada"));

        await StateAsync(async, JobState.Succeeded);
        await StateAsync(instance, JobState.Succeeded);

        Assert.Equal(["async", "hello Ada"], Probe.Of(Key).Select(r => r.What).Order());
    }

    [Fact]
    public async Task Schedule_waits_in_the_engines_scheduled_state_until_its_time()
    {
        var later = Client.Schedule(() => StaticJobs.Record(Key, "later"), TimeSpan.FromHours(2));
        var soon = Client.Schedule(() => StaticJobs.Record(Key, "soon"), DateTimeOffset.UtcNow.AddMilliseconds(500));

        var scheduled = (await Jobs.GetAsync(Id(later)))!;
        Assert.Equal(JobState.Scheduled, scheduled.State);
        Assert.InRange(scheduled.ScheduledAt, DateTimeOffset.UtcNow.AddMinutes(119), DateTimeOffset.UtcNow.AddMinutes(121));
        var ran = await StateAsync(soon, JobState.Succeeded);
        Assert.True(Probe.Of(Key).Single().At >= ran.ScheduledAt.AddMilliseconds(-50));
        Assert.Equal(JobState.Scheduled, (await Jobs.GetAsync(Id(later)))!.State);
    }

    [Fact]
    public async Task A_queue_attribute_puts_the_job_in_that_queue()
    {
        var id = Client.Enqueue(() => StaticJobs.Critical(Key));
        var scheduled = Client.Schedule(() => StaticJobs.Critical(Key), TimeSpan.FromHours(1));
        var explicitQueue = Client.Enqueue("critical", () => StaticJobs.Record(Key, "explicit"));

        Assert.Equal("critical", (await StateAsync(id, JobState.Succeeded)).Queue);
        Assert.Equal("critical", (await Jobs.GetAsync(Id(scheduled)))!.Queue);
        Assert.Equal("critical", (await StateAsync(explicitQueue, JobState.Succeeded)).Queue);
    }

    [Fact]
    public async Task Disable_concurrent_execution_runs_one_call_of_the_method_at_a_time()
    {
        var ids = Enumerable.Range(0, 6).Select(_ => Client.Enqueue(() => StaticJobs.OneAtATimeAsync(Key))).ToList();

        foreach (var id in ids)
        {
            var job = await StateAsync(id, JobState.Succeeded);
            Assert.Equal("hangfire.exclusive", job.Kind);
            Assert.Equal($"{typeof(StaticJobs).FullName}.{nameof(StaticJobs.OneAtATimeAsync)}", job.PartitionKey);
        }
        Assert.Equal(6, Probe.Of(Key).Count);
        Assert.Equal(1, Probe.MaxConcurrent(Key));
    }

    [Fact]
    public async Task A_display_name_and_parameters_are_kept_with_the_engine_job()
    {
        var id = Client.Enqueue(() => StaticJobs.Named("42"));

        var job = await StateAsync(id, JobState.Succeeded);

        using var metadata = JsonDocument.Parse(job.MetadataJson!);
        Assert.Equal("Invoice 42", metadata.RootElement.GetProperty("display_name").GetString());
        using var args = JsonDocument.Parse(job.ArgsJson);
        Assert.True(args.RootElement.GetProperty("parameters").TryGetProperty("CurrentCulture", out _));
    }
}
