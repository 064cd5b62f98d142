using Hangfire;
using Jobs.Engine.States;
using Jobs.Hangfire.TestHost;
using Jobs.Testing;

namespace Jobs.Hangfire.Tests;

/// <summary>A server process killed mid-job: its Hangfire job is rescued and runs again on another server.</summary>
public sealed class CrashTests : ClientTestBase
{
    [Fact]
    public async Task A_killed_servers_hangfire_job_is_rescued_and_runs_again_elsewhere()
    {
        await Schema.ExecuteAsync("create table {s}.hangfire_attempts (marker text not null, pid integer not null, at timestamptz not null default now())");
        var storage = JobsStorage.Create(TestDatabase.ConnectionString, new JobsStorageOptions { Schema = Schema.Name });
        var marker = Guid.NewGuid().ToString("N");
        var id = long.Parse(new BackgroundJobClient(storage).Enqueue(() => CrashJobs.HoldOnFirstAttemptAsync(marker, CancellationToken.None)),
            System.Globalization.CultureInfo.InvariantCulture);

        using var first = HostProcess.StartHost("Jobs.Hangfire.TestHost.dll", Schema);
        var firstPid = await Eventually.ReturnsAsync(() => Schema.ScalarAsync<int?>("select max(pid) from {s}.hangfire_attempts where marker = @marker", new { marker }),
            pid => pid is not null, "the first attempt to start\n" + first.Output, TimeSpan.FromSeconds(60));
        first.Crash();
        await first.WaitForExitAsync(TimeSpan.FromSeconds(10));

        using var second = HostProcess.StartHost("Jobs.Hangfire.TestHost.dll", Schema);
        var job = await Eventually.ReturnsAsync(async () => (await Engine.Client.GetAsync(id))!, j => j.State == JobState.Succeeded,
            "the job to be rescued and succeed\n" + second.Output, TimeSpan.FromSeconds(60));

        Assert.Equal(2, job.Attempt);
        Assert.Equal("rescued", Assert.Single(job.Errors).Type);
        var pids = await Schema.QueryAsync<int>("select pid from {s}.hangfire_attempts where marker = @marker order by at", new { marker });
        Assert.Equal([firstPid!.Value, second.Id], pids);
    }
}
