using Jobs.Engine.Client;
using Jobs.Engine.Monitoring;
using Jobs.Engine.States;
using Jobs.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Jobs.Engine.Tests.Monitoring;

public sealed class JobsMonitorTests : ClientTestBase
{
    private readonly Probe _probe = new();

    private JobsMonitor Monitor => Engine.Services.GetRequiredService<JobsMonitor>();

    /// <summary>Finished jobs of a kind, finalized one second apart going back from now.</summary>
    private Task InsertFinishedAsync(string state, string kind, int count, string error = "boom") =>
        Schema.ExecuteAsync("""
            insert into {s}.job (kind, queue, state, args, max_attempts, attempt, finalized_at, errors)
            select @kind, 'default', @state, jsonb_build_object('n', g), 1, 1, now() - g * interval '1 second',
                   case when @state = 'dead' then jsonb_build_array(jsonb_build_object('attempt', 1, 'type', 'System.Exception', 'error', @error)) end
              from generate_series(1, @count) g
            """, new { kind, state, count, error });

    [Fact]
    public async Task Counts_by_state_are_exact_for_small_states_and_estimated_for_succeeded()
    {
        await Engine.Client.EnqueueManyAsync(Enumerable.Range(0, 3).Select(_ => JobRequest.Create(new RecordArgs("a"))).ToList());
        await Engine.Client.EnqueueAsync(new RecordArgs("later"), new EnqueueOptions { Delay = TimeSpan.FromHours(1) });
        await InsertFinishedAsync("dead", "k", 2);
        await InsertFinishedAsync("succeeded", "k", 40);
        await Schema.ExecuteAsync("analyze {s}.job");

        var counts = (await Monitor.CountByStateAsync()).ToDictionary(c => c.State);

        Assert.Equal((3L, true), (counts[JobState.Available].Jobs!.Value, counts[JobState.Available].Exact));
        Assert.Equal((1L, true), (counts[JobState.Scheduled].Jobs!.Value, counts[JobState.Scheduled].Exact));
        Assert.Equal((2L, true), (counts[JobState.Dead].Jobs!.Value, counts[JobState.Dead].Exact));
        Assert.Equal((0L, true), (counts[JobState.Running].Jobs!.Value, counts[JobState.Running].Exact));
        Assert.False(counts[JobState.Succeeded].Exact);
        Assert.Equal(40, counts[JobState.Succeeded].Jobs);
    }

    [Fact]
    public async Task Dead_jobs_page_by_keyset_most_recent_first_without_gaps_or_repeats()
    {
        await InsertFinishedAsync("dead", "k", 120);
        var filter = new JobFilter { States = [JobState.Dead] };

        var seen = new List<JobSummary>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await Monitor.ListAsync(new JobQuery { Filter = filter, Cursor = cursor, Limit = 50 });
            seen.AddRange(page.Items);
            cursor = page.NextCursor;
            pages++;
            Assert.Equal("most recently finished first", page.Order);
        }
        while (cursor is not null);

        Assert.Equal(3, pages);
        Assert.Equal(120, seen.Select(j => j.Id).Distinct().Count());
        Assert.Equal(seen.OrderByDescending(j => j.FinalizedAt).Select(j => j.Id), seen.Select(j => j.Id));
        Assert.All(seen, j => Assert.Equal("boom", j.LastError));
    }

    [Fact]
    public async Task A_cursor_from_another_list_or_altered_is_refused()
    {
        await InsertFinishedAsync("dead", "k", 3);
        var page = await Monitor.ListAsync(new JobQuery { Filter = new JobFilter { States = [JobState.Dead] }, Limit = 1 });

        await Assert.ThrowsAsync<ArgumentException>(() => Monitor.ListAsync(new JobQuery { Cursor = page.NextCursor, Limit = 1 }));
        await Assert.ThrowsAsync<ArgumentException>(() => Monitor.ListAsync(new JobQuery { Cursor = "not-a-cursor", Limit = 1 }));
    }

    [Fact]
    public async Task A_rare_match_is_found_window_by_window_without_reading_the_whole_table_at_once()
    {
        await InsertFinishedAsync("succeeded", "rare.kind", 5);
        await Schema.ExecuteAsync("select setval('{s}.job_id_seq', (select max(id) from {s}.job) + 250000)");
        await InsertFinishedAsync("succeeded", "common.kind", 60);
        var filter = new JobFilter { Kinds = ["rare.kind"] };

        // 250,000 ids between the newest jobs and the rare ones: each page reads at most 100,000 ids,
        // says where it stopped, and the next page goes on from there.
        var pages = new List<JobPage>();
        string? cursor = null;
        do
        {
            var page = await Monitor.ListAsync(new JobQuery { Filter = filter, Cursor = cursor, Limit = 50 });
            pages.Add(page);
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        Assert.Equal([0, 0, 5], pages.Select(p => p.Items.Count));
        Assert.All(pages.Take(2), p => Assert.NotNull(p.ScannedDownTo));
        Assert.True(pages[0].ScannedDownTo > pages[1].ScannedDownTo);
        Assert.Null(pages[2].ScannedDownTo);
    }

    [Fact]
    public async Task Search_finds_jobs_by_args_correlation_id_and_error_text()
    {
        await Engine.Client.EnqueueAsync(new RecordArgs("order-7781"));
        await Engine.Client.EnqueueAsync(new RecordArgs("x"), new EnqueueOptions { CorrelationId = "req-4242" });
        await InsertFinishedAsync("dead", "k", 1, error: "Card declined: insufficient_funds");

        async Task<int> CountAsync(string text) =>
            (await Monitor.ListAsync(new JobQuery { Filter = new JobFilter { Search = text } })).Items.Count;

        Assert.Equal(1, await CountAsync("ORDER-7781"));
        Assert.Equal(1, await CountAsync("req-4242"));
        Assert.Equal(1, await CountAsync("insufficient_funds"));
        Assert.Equal(0, await CountAsync("100%_off"));
    }

    [Fact]
    public async Task Dead_letter_groups_gather_jobs_by_kind_and_error_and_a_group_requeues_by_filter()
    {
        await InsertFinishedAsync("dead", "payment.capture", 4, "Gateway timed out");
        await InsertFinishedAsync("dead", "payment.capture", 2, "Card declined");
        await InsertFinishedAsync("dead", "webhook.deliver", 3, "Gateway timed out");

        var groups = await Monitor.DeadLetterGroupsAsync();

        Assert.Equal([("payment.capture", "Gateway timed out", 4L), ("webhook.deliver", "Gateway timed out", 3L), ("payment.capture", "Card declined", 2L)],
            groups.Select(g => (g.Kind, g.Error, g.Jobs)));
        var requeued = await Engine.Client.RequeueManyAsync(new JobFilter
        {
            States = [JobState.Dead], Kinds = ["payment.capture"], LastError = groups[0].Error,
        });
        Assert.Equal(4, requeued);
        Assert.Equal(5L, await Schema.ScalarAsync<long>("select count(*) from {s}.job where state = 'dead'"));
    }

    [Fact]
    public async Task Bulk_previews_count_exactly_up_to_their_cap()
    {
        await InsertFinishedAsync("dead", "k", 7);

        var count = await Monitor.CountAsync(new JobFilter { States = [JobState.Dead], Kinds = ["k"] });

        Assert.Equal(new CountResult(7, true), count);
    }

    [Fact]
    public async Task A_preview_that_would_take_too_long_to_count_gives_the_planners_estimate()
    {
        await InsertFinishedAsync("dead", "k", 200_000);
        await Schema.ExecuteAsync("analyze {s}.job");
        Monitor.CountBudget = TimeSpan.FromMilliseconds(1);

        var count = await Monitor.CountAsync(new JobFilter { States = [JobState.Dead], Kinds = ["k"] });

        Assert.True(count.Estimated);
        Assert.False(count.Exact);
        Assert.InRange(count.Jobs, 100_000, 400_000);
    }

    [Fact]
    public async Task A_text_search_reads_a_smaller_window_of_ids_per_page()
    {
        await InsertFinishedAsync("succeeded", "k", 3, error: "x");
        await Schema.ExecuteAsync("select setval('{s}.job_id_seq', (select max(id) from {s}.job) + 60000)");
        await InsertFinishedAsync("succeeded", "k", 1);
        var top = await Schema.ScalarAsync<long>("select max(id) from {s}.job");

        var search = await Monitor.ListAsync(new JobQuery { Filter = new JobFilter { Search = "no such text" }, Limit = 50 });
        var tag = await Monitor.ListAsync(new JobQuery { Filter = new JobFilter { Tag = "no-such-tag" }, Limit = 50 });

        Assert.Equal(top + 1 - JobListPlan.SearchWindow, search.ScannedDownTo);
        Assert.Null(tag.ScannedDownTo);
    }

    [Fact]
    public async Task Queues_show_depth_pause_and_the_wait_of_their_oldest_job()
    {
        await Schema.ExecuteAsync("""
            insert into {s}.job (kind, queue, state, args, max_attempts, priority, scheduled_at)
            values ('k', 'mail', 'available', '{}', 1, 5, now() - interval '2 minutes'),
                   ('k', 'mail', 'available', '{}', 1, 0, now() - interval '10 minutes'),
                   ('k', 'reports', 'available', '{}', 1, 0, now() - interval '1 minute')
            """);
        await Engine.Client.PauseQueueAsync("reports");

        var queues = (await Monitor.QueuesAsync()).ToDictionary(q => q.Name);

        Assert.Equal(2, queues["mail"].Available);
        Assert.InRange(DateTimeOffset.UtcNow - queues["mail"].OldestWaitingSince!.Value, TimeSpan.FromMinutes(9), TimeSpan.FromMinutes(11));
        Assert.NotNull(queues["reports"].PausedAt);
        Assert.Null(queues["mail"].PausedAt);
    }

    [Fact]
    public async Task Servers_report_throughput_per_minute_across_the_cluster()
    {
        await using (var server = await TestEngine.StartAsync(Schema, jobs => jobs.AddTestHandlers(fail: o => o.MaxAttempts = 1),
            services: s => s.AddSingleton(_probe)))
        {
            await server.Client.EnqueueManyAsync(Enumerable.Range(0, 5).Select(_ => JobRequest.Create(new RecordArgs("ok"))).ToList());
            await server.Client.EnqueueAsync(new FailArgs("plain"));
            await Eventually.TrueAsync(async () =>
                await Schema.ScalarAsync<long>("select count(*) from {s}.job where state in ('succeeded', 'dead')") == 6, "all to finish");
        }

        var points = await Monitor.ThroughputAsync(TimeSpan.FromHours(1), TimeSpan.FromMinutes(1));

        Assert.Equal(60, points.Count);
        Assert.Equal((5L, 1L, 1L), (points.Sum(p => p.Succeeded), points.Sum(p => p.Failed), points.Sum(p => p.Dead)));
    }
}
