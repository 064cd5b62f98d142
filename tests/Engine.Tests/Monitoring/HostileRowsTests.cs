using Jobs.Engine.Client;
using Jobs.Engine.Monitoring;
using Jobs.Engine.States;
using Jobs.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Jobs.Engine.Tests.Monitoring;

/// <summary>Every read of the engine copes with whatever a job row holds (see <see cref="HostileRows"/>).</summary>
public sealed class HostileRowsTests : ClientTestBase
{
    private JobsMonitor Monitor => Engine.Services.GetRequiredService<JobsMonitor>();

    [Fact]
    public async Task Every_job_reads_with_its_times_kept_within_what_dotnet_can_hold()
    {
        var ids = await HostileRows.PlantAsync(Schema, "test.record");

        foreach (var (name, id) in ids)
        {
            var job = await Engine.Client.GetAsync(id);
            Assert.True(job is not null, name);
        }
        var far = (await Engine.Client.GetAsync(ids["due in the year 20000"]))!;
        Assert.Equal(DateTimeOffset.MaxValue.Year, far.ScheduledAt.Year);
        var ancient = (await Engine.Client.GetAsync(ids["cancelled before Christ"]))!;
        Assert.Equal(1, ancient.CreatedAt.Year);
        // Every error entry is kept, whatever its shape: what could not be read is shown as its JSON.
        var odd = (await Engine.Client.GetAsync(ids["retrying at infinity with odd errors"]))!;
        Assert.Equal(6, odd.Errors.Count);
        Assert.Equal("1", odd.Errors[0].Error);
        Assert.Equal("plain text", odd.Errors[1].Error);
        Assert.Equal("""{"nested": true}""", odd.Errors[5].Error);
        Assert.Equal("5", odd.Errors[5].Type);
        Assert.Null(odd.Errors[5].DurationMs); // 1e300 ms is no duration
        var dead = (await Engine.Client.GetAsync(ids["dead in the year 200000"]))!;
        Assert.Equal("<script>alert(1)</script>", Assert.Single(dead.Errors).Error);
        Assert.Equal(["", "<b>tag</b>", "\u202e"], (await Engine.Client.GetAsync(ids["succeeded with odd arguments"]))!.Tags);
    }

    [Fact]
    public async Task Every_list_pages_to_its_end_and_the_views_read()
    {
        var ids = await HostileRows.PlantAsync(Schema, "test.record");

        foreach (var filter in new[] { new JobFilter() }.Concat(Enum.GetValues<JobState>().Select(s => new JobFilter { States = [s] }))
                     .Append(new JobFilter { Search = "odd" }).Append(new JobFilter { Kinds = ["test.record"], CreatedFrom = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero) }))
        {
            var seen = new List<long>();
            string? cursor = null;
            for (var page = 0; page < 20; page++)
            {
                var result = await Monitor.ListAsync(new JobQuery { Filter = filter, Cursor = cursor, Limit = 1 });
                seen.AddRange(result.Items.Select(j => j.Id));
                cursor = result.NextCursor;
                if (cursor is null)
                {
                    break;
                }
            }
            Assert.Null(cursor);
            Assert.NotEmpty(seen);
            Assert.Equal(seen.Count, seen.Distinct().Count());
        }
        Assert.Equal(2, (await Monitor.DeadLetterGroupsAsync()).Count);
        Assert.Contains(await Monitor.QueuesAsync(), q => q.Name == "default" && q.Available == 1);
        Assert.Equal(ids.Count, (await Monitor.CountAsync(new JobFilter { Queues = ["default", "q:odd.-_"] })).Jobs);
        // Succeeded jobs are estimated, the other states counted.
        Assert.Equal(ids.Count - 1, (await Monitor.CountByStateAsync()).Where(c => c.State != JobState.Succeeded).Sum(c => c.Jobs ?? 0));
    }

    [Fact]
    public async Task Every_job_can_be_retried_cancelled_and_deleted()
    {
        var ids = await HostileRows.PlantAsync(Schema, "test.record");

        foreach (var id in ids.Values)
        {
            await Engine.Client.RequeueAsync(id);
            await Engine.Client.CancelAsync(id);
            Assert.True(await Engine.Client.DeleteAsync(id));
        }
        Assert.Equal(0L, await Schema.ScalarAsync<long>("select count(*) from {s}.job"));
    }

    [Fact]
    public async Task A_server_claims_and_runs_a_job_whose_stored_times_are_out_of_range()
    {
        var ids = await HostileRows.PlantAsync(Schema, "test.record");
        var probe = new Probe();
        await using var server = await TestEngine.StartAsync(Schema, jobs => jobs.AddTestHandlers(), services: s => s.AddSingleton(probe));

        await Eventually.TrueAsync(async () => (await server.Client.GetAsync(ids["available since 1000 BC"]))!.State == JobState.Succeeded,
            "the job due since 1000 BC to run");
        // The job said to run since the year 30000 on a server that does not heartbeat is rescued and runs too.
        await Eventually.TrueAsync(async () => (await server.Client.GetAsync(ids["running since the year 30000"]))!.State == JobState.Succeeded,
            "the job of the missing server to be rescued and run");
        Assert.Equal(["ancient", "running"], probe.Executions.Select(e => e.Tag).Order());
    }
}
