using System.Globalization;
using System.Text.RegularExpressions;
using Jobs.Dashboard.Tests.Api;
using Jobs.Engine.Client;
using Jobs.Engine.Diagnostics;
using Jobs.Engine.Monitoring;
using Jobs.Engine.States;
using Jobs.Testing;

namespace Jobs.Dashboard.Tests;

/// <summary>
/// The Queues page charts the last hour from the servers' own statistics (attempts per minute,
/// wait and run percentiles per queue and per kind), and the Jobs page's state tabs show counts:
/// exact while small, marked as estimates past <see cref="JobsMonitor.CountCap"/>.
/// </summary>
public sealed partial class QueueStatsPageTests : ApiTest
{
    [Fact]
    public async Task The_queues_page_shows_each_queue_and_kinds_attempts_and_timings_of_the_last_hour()
    {
        await using var server = await TestEngine.StartAsync(Host.Schema, jobs => jobs.AddDiagnosticJobs());
        var jobs = new List<long>();
        for (var i = 0; i < 3; i++)
        {
            jobs.Add((await server.Client.EnqueueAsync(new SleepArgs(150))).Id);
        }
        for (var i = 0; i < 4; i++)
        {
            jobs.Add((await server.Client.EnqueueAsync(new NoopArgs())).Id);
        }
        await Eventually.TrueAsync(async () => (await Task.WhenAll(jobs.Select(id => server.Client.GetAsync(id)))).All(j => j?.State == JobState.Succeeded),
            "the jobs to succeed");
        using var browser = await Host.OperatorAsync();

        // Servers write their statistics every few seconds.
        var html = await Eventually.ReturnsAsync(() => browser.GetStringAsync("/queues"),
            page => Stats(page, "queue:default")?.Total == 7, "the statistics to reach the page");
        var queue = Stats(html, "queue:default")!;
        var sleep = Stats(html, "kind:diag.sleep")!;
        var noop = Stats(html, "kind:diag.noop")!;

        Assert.Equal(3, sleep.Total);
        Assert.Equal(4, noop.Total);
        Assert.True(sleep.RunP50 >= 150, $"a 150 ms sleep's median run is at least 150 ms, not {sleep.RunP50}");
        Assert.True(noop.RunP50 < sleep.RunP50, "a no-op runs shorter than a sleep");
        Assert.NotNull(queue.WaitP50);
        Assert.Contains("class=\"bar\"", queue.Row);
        Assert.Contains("class=\"line-p50\"", sleep.Row);
        Assert.Contains("7 attempts in the last hour", queue.Row);
        Assert.DoesNotContain("style=", queue.Row);
    }

    [Fact]
    public async Task State_tabs_count_the_jobs_of_each_state_under_the_other_filters()
    {
        var made = await Host.Jobs.EnqueueManyAsync(Enumerable.Range(0, 3).Select(_ => JobRequest.Create(new NoopArgs(), new EnqueueOptions { Tags = ["counted"] })).ToList());
        await Host.Jobs.EnqueueAsync(new NoopArgs());
        await Host.Jobs.CancelAsync(made[0].Id);
        using var browser = await Host.OperatorAsync();

        var all = await browser.GetStringAsync("/jobs");
        var tagged = await browser.GetStringAsync("/jobs?tag=counted&state=cancelled");

        Assert.Equal(("3", true), Tab(all, "available"));
        Assert.Equal(("1", true), Tab(all, "cancelled"));
        Assert.Equal(("2", true), Tab(tagged, "available"));
        Assert.Equal(("1", true), Tab(tagged, "cancelled"));
        Assert.Equal(("0", true), Tab(tagged, "dead"));
    }

    [Fact]
    public async Task Past_the_count_cap_a_tab_says_its_count_is_not_exact()
    {
        await Host.Schema.ExecuteAsync($"insert into {{s}}.job (kind, queue, state, args, max_attempts, tags) " +
            $"select 'diag.noop', 'default', 'available', '{{}}', 25, null from generate_series(1, {JobsMonitor.CountCap + 1})");
        using var browser = await Host.OperatorAsync();

        var all = await browser.GetStringAsync("/jobs");

        Assert.False(Tab(all, "available").Exact);
        Assert.Contains("≈", System.Net.WebUtility.HtmlDecode(TabHtml(all, "available")));
    }

    private sealed record StatsRow(string Row, long Total, double? RunP50, double? WaitP50);

    private static StatsRow? Stats(string html, string key)
    {
        var start = html.IndexOf($"<tr data-stats=\"{key}\"", StringComparison.Ordinal);
        if (start < 0)
        {
            return null;
        }
        var row = html[start..html.IndexOf("</tr>", start, StringComparison.Ordinal)];
        double? Number(string name) => Regex.Match(row, $"{name}=\"([^\"]*)\"").Groups[1].Value is { Length: > 0 } v
            ? double.Parse(v, CultureInfo.InvariantCulture) : null;
        return new StatsRow(row, (long)Number("data-total")!.Value, Number("data-run-p50-ms"), Number("data-wait-p50-ms"));
    }

    private static string TabHtml(string html, string state)
    {
        var start = html.IndexOf($"data-state=\"{state}\"", StringComparison.Ordinal);
        Assert.True(start >= 0, $"the {state} tab is on the page");
        return html[start..html.IndexOf("</a>", start, StringComparison.Ordinal)];
    }

    private static (string Count, bool Exact) Tab(string html, string state)
    {
        var tab = TabHtml(html, state);
        var match = TabCount().Match(tab);
        Assert.True(match.Success, $"the {state} tab shows a count: {tab}");
        return (match.Groups[1].Value, match.Groups[2].Value == "exact");
    }

    [GeneratedRegex("data-count=\"(\\d+)\" title=\"(exact|not exact[^\"]*)\"")]
    private static partial Regex TabCount();
}
