using Jobs.Engine.Client;
using Jobs.Engine.Monitoring;
using Jobs.Engine.States;
using Jobs.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Jobs.Engine.Tests.Client;

/// <summary>Jobs brought from another system keep the state they had there, once.</summary>
public sealed class JobImportsTests : ClientTestBase
{
    private JobImports Imports => Engine.Services.GetRequiredService<JobImports>();

    private static JobError Failure(int attempt) =>
        new(attempt, DateTimeOffset.UtcNow.AddMinutes(-5), "old-server", "System.TimeoutException", "upstream timed out", "at Old.Run()", null);

    private static ImportedJob[] Batch(string key) =>
    [
        new(JobRequest.Create(new RecordArgs("waiting"), new EnqueueOptions { IdempotencyKey = key + "-1" })),
        new(JobRequest.Create(new RecordArgs("retry"), new EnqueueOptions { IdempotencyKey = key + "-2", RunAt = DateTimeOffset.UtcNow.AddMinutes(10), MaxAttempts = 5 }))
        {
            State = JobState.Retrying, AttemptsSpent = 2, LastError = Failure(2),
        },
        new(JobRequest.Create(new RecordArgs("dead"), new EnqueueOptions { IdempotencyKey = key + "-3", MaxAttempts = 3 }))
        {
            State = JobState.Dead, AttemptsSpent = 3, LastError = Failure(3),
        },
    ];

    [Fact]
    public async Task Imported_jobs_take_their_state_with_attempts_and_error_and_a_second_import_creates_nothing()
    {
        var first = await Imports.ImportAsync(Batch("src-a"));

        Assert.All(first, j => Assert.True(j.Created));
        var (waiting, retrying, dead) = ((await Engine.Client.GetAsync(first[0].Id))!, (await Engine.Client.GetAsync(first[1].Id))!, (await Engine.Client.GetAsync(first[2].Id))!);
        Assert.Equal((JobState.Available, 0), (waiting.State, waiting.Attempt));
        Assert.Equal((JobState.Retrying, 2, 5), (retrying.State, retrying.Attempt, retrying.MaxAttempts));
        Assert.Equal(("System.TimeoutException", "upstream timed out", "at Old.Run()"), (retrying.Errors[0].Type, retrying.Errors[0].Error, retrying.Errors[0].Stack));
        Assert.Equal((JobState.Dead, 3), (dead.State, dead.Attempt));
        Assert.NotNull(dead.FinalizedAt);
        // In the dead letter, and requeued it runs again.
        Assert.Contains(await Engine.Services.GetRequiredService<JobsMonitor>().PageByStateAsync(JobState.Dead, 0, 10), j => j.Id == dead.Id);
        Assert.True(await Engine.Client.RequeueAsync(dead.Id));

        var second = await Imports.ImportAsync(Batch("src-a"));

        Assert.Equal(first.Select(j => j.Id), second.Select(j => j.Id));
        Assert.All(second, j => Assert.False(j.Created));
        Assert.Equal(JobState.Available, (await Engine.Client.GetAsync(dead.Id))!.State);
    }

    [Fact]
    public async Task A_dry_run_writes_nothing_and_a_state_that_cannot_be_is_refused_naming_it()
    {
        var dry = await Imports.ImportAsync(Batch("src-b"), dryRun: true);

        Assert.All(dry, j => Assert.True(j.Created));
        Assert.Equal(0, await Schema.ScalarAsync<long>("select count(*) from {s}.job"));

        var spent = new ImportedJob(JobRequest.Create(new RecordArgs("x"), new EnqueueOptions { MaxAttempts = 2 }))
        {
            State = JobState.Retrying, AttemptsSpent = 2, LastError = Failure(2),
        };
        var e = await Assert.ThrowsAsync<ArgumentException>(() => Imports.ImportAsync([spent]));
        Assert.Equal("AttemptsSpent", e.ParamName);
        var running = new ImportedJob(JobRequest.Create(new RecordArgs("x"))) { State = JobState.Running };
        Assert.Equal("State", (await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Imports.ImportAsync([running]))).ParamName);
        Assert.Equal(0, await Schema.ScalarAsync<long>("select count(*) from {s}.job"));
    }
}
