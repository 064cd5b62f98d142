using System.Text.RegularExpressions;
using Jobs.Engine.Client;
using Jobs.Engine.Diagnostics;
using Jobs.Engine.States;
using Jobs.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Jobs.Dashboard.BrowserTests;

/// <summary>The operator console's everyday moves in a browser: find a job, act on ticked jobs after a preview, lists that keep themselves fresh, throughput charts.</summary>
[Collection(DashboardCollection.Name)]
public sealed class ConsoleBrowserTests(DashboardFixture fixture)
{
    private IJobClient Jobs => fixture.Worker.Client;

    /// <summary>Jobs in a queue no worker serves: they wait, unchanged, for the test.</summary>
    private async Task<long> ParkedAsync(string tag) =>
        (await Jobs.EnqueueAsync(new NoopArgs(), new EnqueueOptions { Queue = "parked", Tags = [tag] })).Id;

    [Fact]
    public async Task The_search_box_opens_a_job_by_its_id()
    {
        var id = await ParkedAsync("find-" + Guid.NewGuid().ToString("N")[..8]);
        var page = await fixture.SignInAsync(DashboardFixture.AdminName);

        await page.GotoAsync("/jobs");
        await page.GetByLabel("Find a job").FillAsync($"#{id}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex($"/jobs/{id}$"));
        await Expect(page.Locator("h1")).ToContainTextAsync($"Job #{id}");
    }

    [Fact]
    public async Task Ticked_jobs_are_cancelled_after_a_confirmation_that_counts_them()
    {
        var tag = "tick-" + Guid.NewGuid().ToString("N")[..8];
        var first = await ParkedAsync(tag);
        var second = await ParkedAsync(tag);
        var page = await fixture.SignInAsync(DashboardFixture.AdminName);

        await page.GotoAsync($"/jobs?tag={tag}");
        await page.GetByLabel($"Select job {first}").CheckAsync();
        await page.GetByLabel($"Select job {second}").CheckAsync();
        await Expect(page.Locator("[data-selection-count=bulk]")).ToHaveTextAsync("2 jobs selected");
        await page.GetByRole(AriaRole.Button, new() { Name = "Cancel…" }).ClickAsync();

        await Expect(page.Locator("#confirm-selected .confirm-count")).ToContainTextAsync("2 jobs will be cancelled");
        Assert.Equal(JobState.Available, (await Jobs.GetAsync(first))!.State);
        await page.GetByRole(AriaRole.Button, new() { Name = "Cancel 2 jobs" }).ClickAsync();

        await Expect(page.Locator(".flash-ok")).ToContainTextAsync("Cancelled 2 of 2 selected jobs");
        Assert.Equal(JobState.Cancelled, (await Jobs.GetAsync(first))!.State);
        Assert.Equal(JobState.Cancelled, (await Jobs.GetAsync(second))!.State);
    }

    [Fact]
    public async Task The_job_list_refreshes_itself_until_paused()
    {
        var tag = "live-" + Guid.NewGuid().ToString("N")[..8];
        var page = await fixture.SignInAsync(DashboardFixture.AdminName);
        await page.GotoAsync($"/jobs?tag={tag}");
        var rows = page.Locator("table.jobs tbody tr");
        await Expect(page.Locator(".empty")).ToContainTextAsync("No jobs match");

        var first = await ParkedAsync(tag);
        await Expect(page.Locator($"tr[data-job='{first}']")).ToBeVisibleAsync(new() { Timeout = 20_000 });

        await page.GetByRole(AriaRole.Button, new() { Name = "Pause" }).ClickAsync();
        await Expect(page.Locator("[data-refresh-status]")).ToHaveTextAsync("Paused");
        var second = await ParkedAsync(tag);
        // Two refresh periods pass while paused: nothing changes on the page.
        await page.WaitForTimeoutAsync(11_000);
        await Expect(rows).ToHaveCountAsync(1);
        await page.ReloadAsync();
        await Expect(page.Locator("[data-refresh-status]")).ToHaveTextAsync("Paused");

        await page.GetByRole(AriaRole.Button, new() { Name = "Resume" }).ClickAsync();
        await Expect(page.Locator("[data-refresh-status]")).ToHaveTextAsync("Refreshes every 5 s");
        var third = await ParkedAsync(tag);
        await Expect(page.Locator($"tr[data-job='{third}']")).ToBeVisibleAsync(new() { Timeout = 20_000 });
        await Expect(rows).ToHaveCountAsync(3);
        Assert.True(second > first);
    }

    [Fact]
    public async Task The_queues_page_charts_the_last_hour_of_each_queue()
    {
        var done = await Jobs.EnqueueAsync(new SleepArgs(30));
        await Eventually.TrueAsync(async () => (await Jobs.GetAsync(done.Id))!.State == JobState.Succeeded, "the job to succeed");
        var page = await fixture.SignInAsync(DashboardFixture.AdminName);

        await page.GotoAsync("/queues");

        // The servers write statistics every few seconds, and the page refreshes itself.
        var row = page.Locator("tr[data-stats='kind:diag.sleep']");
        await Expect(row.Locator("svg.spark-bars rect.bar").First).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Expect(row.Locator("svg.spark-lines path.line-p50")).ToHaveCountAsync(2);
        await Expect(row).ToContainTextAsync("≤");
    }
}
