using System.Text.RegularExpressions;
using Jobs.Engine.Client;
using Jobs.Engine.Diagnostics;
using Jobs.Engine.Recurring;
using Jobs.Engine.States;
using Jobs.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Jobs.Dashboard.BrowserTests;

[Collection(DashboardCollection.Name)]
public sealed partial class DashboardBrowserTests(DashboardFixture fixture)
{
    private IJobClient Jobs => fixture.Worker.Client;

    private async Task<long> DeadFlakyJobAsync(string key, string tag)
    {
        var job = await Jobs.EnqueueAsync(new FlakyArgs(key), new EnqueueOptions { MaxAttempts = 1, Tags = [tag] });
        await Eventually.TrueAsync(async () => (await Jobs.GetAsync(job.Id))!.State == JobState.Dead, $"job {job.Id} to die");
        return job.Id;
    }

    [Fact]
    public async Task An_operator_finds_a_dead_job_by_search_retries_it_and_watches_it_succeed()
    {
        var key = "order-" + Guid.NewGuid().ToString("N")[..8];
        var id = await DeadFlakyJobAsync(key, "search");
        var page = await fixture.SignInAsync(DashboardFixture.AdminName);

        await page.GetByRole(AriaRole.Link, new() { Name = "Dead letter" }).First.ClickAsync();
        await Expect(page.Locator("tr[data-group='test.flaky']", new() { HasText = key })).ToContainTextAsync("InvalidOperationException");
        await page.GotoAsync("/jobs?state=dead");
        await page.GetByLabel("search args and errors").FillAsync(key);
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"q={key}"));
        var rows = page.Locator("table.jobs tbody tr");
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows.First).ToContainTextAsync($"upstream unavailable for {key}");

        await rows.First.GetByRole(AriaRole.Link, new() { Name = $"#{id}" }).ClickAsync();
        await Expect(page.Locator(".error-block")).ToContainTextAsync("InvalidOperationException");
        await Expect(page.Locator("#args")).ToContainTextAsync(key);
        FlakyArgs.Fixed[key] = true;
        await page.GetByRole(AriaRole.Button, new() { Name = "Retry" }).ClickAsync();

        await Expect(page.Locator(".flash-ok")).ToContainTextAsync("Requeued");
        // The page follows a waiting or running job until it ends.
        await Expect(page.Locator("h1 .badge")).ToHaveTextAsync("succeeded");
        await Expect(page.Locator(".timeline")).ToContainTextAsync("Attempt 1 failed");
        await Expect(page.Locator(".timeline")).ToContainTextAsync("Succeeded");
    }

    [Fact]
    public async Task An_operator_requeues_every_job_matching_a_filter_after_a_preview_with_the_count()
    {
        var tag = "batch-" + Guid.NewGuid().ToString("N")[..8];
        var ids = new List<long>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(await DeadFlakyJobAsync($"{tag}-{i}", tag));
        }
        var bystander = await DeadFlakyJobAsync(tag + "-other", "other-" + tag);
        foreach (var i in Enumerable.Range(0, 3))
        {
            FlakyArgs.Fixed[$"{tag}-{i}"] = true;
        }
        var page = await fixture.SignInAsync(DashboardFixture.AdminName);

        await page.GotoAsync($"/jobs?state=dead&tag={tag}");
        await Expect(page.Locator("table.jobs tbody tr")).ToHaveCountAsync(3);
        await page.GetByRole(AriaRole.Link, new() { Name = "Requeue all…" }).ClickAsync();
        await Expect(page.Locator(".confirm-count")).ToContainTextAsync("3 jobs will be requeued");
        await page.GetByRole(AriaRole.Button, new() { Name = "Requeue 3 jobs" }).ClickAsync();

        await Expect(page.Locator(".flash-ok")).ToContainTextAsync("Requeued 3 jobs");
        foreach (var id in ids)
        {
            await Eventually.TrueAsync(async () => (await Jobs.GetAsync(id))!.State == JobState.Succeeded, $"job {id} to succeed");
        }
        Assert.Equal(JobState.Dead, (await Jobs.GetAsync(bystander))!.State);
        await page.GotoAsync($"/jobs?state=succeeded&tag={tag}");
        await Expect(page.Locator("table.jobs tbody tr")).ToHaveCountAsync(3);
        await page.GotoAsync("/audit");
        await Expect(page.Locator("tr[data-audit='jobs.requeue_many']").First).ToContainTextAsync(tag);
    }

    [Fact]
    public async Task An_operator_pauses_and_triggers_a_recurring_schedule()
    {
        var name = "nightly-" + Guid.NewGuid().ToString("N")[..6];
        await fixture.Worker.Schedules.AddOrUpdateAsync(name, new ScheduleOptions { Cron = "0 3 * * *", Kind = NoopArgs.Kind, TimeZone = "Europe/Berlin" });
        var page = await fixture.SignInAsync(DashboardFixture.AdminName);

        await page.GetByRole(AriaRole.Link, new() { Name = "Recurring" }).ClickAsync();
        var row = page.Locator($"tr[data-schedule='{name}']");
        await Expect(row).ToContainTextAsync("Europe/Berlin");
        await Expect(row).ToContainTextAsync("never fired");
        await row.GetByRole(AriaRole.Button, new() { Name = "Pause" }).ClickAsync();
        await Expect(page.Locator(".flash-ok")).ToContainTextAsync($"Paused '{name}'");
        await Expect(row.Locator(".badge-paused")).ToBeVisibleAsync();
        Assert.NotNull((await fixture.Worker.Schedules.GetAsync(name))!.PausedAt);

        await row.GetByRole(AriaRole.Button, new() { Name = "Trigger now" }).ClickAsync();
        await Expect(page.Locator(".flash-ok")).ToContainTextAsync($"Triggered '{name}'");
        var jobId = (await fixture.Worker.Schedules.GetAsync(name))!.LastJobId!.Value;
        await Eventually.TrueAsync(async () => (await Jobs.GetAsync(jobId))!.State == JobState.Succeeded, "the triggered job to succeed");
        await page.ReloadAsync();
        await Expect(row.Locator("[data-outcome]")).ToContainTextAsync($"#{jobId}");
        await Expect(row.Locator("[data-outcome] .badge")).ToHaveTextAsync("succeeded");
        await Expect(row.Locator(".badge-paused")).ToBeVisibleAsync();

        await row.GetByRole(AriaRole.Button, new() { Name = "Resume" }).ClickAsync();
        await Expect(row.Locator(".badge-active")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_viewer_sees_no_action_buttons_and_is_refused_when_posting_anyway()
    {
        var id = await DeadFlakyJobAsync("viewer-" + Guid.NewGuid().ToString("N")[..8], "viewer");
        var page = await fixture.SignInAsync(DashboardFixture.ViewerName);

        await page.GotoAsync($"/jobs/{id}");
        await Expect(page.Locator("h1")).ToContainTextAsync($"Job #{id}");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Retry" })).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Delete" })).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Operators" })).ToHaveCountAsync(0);

        // Post the retry anyway, with a valid antiforgery token (taken from the sign-out form).
        var response = await page.RunAndWaitForResponseAsync(() => page.EvaluateAsync($$"""
            () => {
                const form = document.createElement("form");
                form.method = "post";
                form.action = "/jobs/{{id}}?handler=Requeue";
                const token = document.querySelector("input[name=__RequestVerificationToken]").cloneNode();
                form.appendChild(token);
                document.body.appendChild(form);
                form.submit();
            }
            """), response => response.Url.Contains("handler=Requeue", StringComparison.Ordinal));
        Assert.Equal(403, response.Status);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Not allowed" })).ToBeVisibleAsync();
        Assert.Equal(JobState.Dead, (await Jobs.GetAsync(id))!.State);

        var admin = await page.GotoAsync("/admin/operators");
        Assert.Equal(403, admin!.Status);
    }

    [Fact]
    public async Task The_overview_draws_throughput_from_live_data_and_is_saved_as_a_screenshot()
    {
        await Jobs.EnqueueManyAsync(Enumerable.Range(0, 20).Select(_ => JobRequest.Create(new NoopArgs())).ToList());
        await DeadFlakyJobAsync("overview-" + Guid.NewGuid().ToString("N")[..8], "overview");
        var page = await fixture.SignInAsync(DashboardFixture.AdminName);

        await Expect(page.Locator("#chart-hour")).ToHaveAttributeAsync("data-points", "60");
        await Expect(page.Locator("#chart-day")).ToHaveAttributeAsync("data-points", "144");
        await Expect(page.Locator("#live")).ToContainTextAsync("updated");
        await Expect(page.Locator("[data-count='dead']")).Not.ToHaveTextAsync("0");
        await Expect(page.Locator("#queue-rows tr").First).ToContainTextAsync("default");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(DashboardFixture.ArtifactsDirectory(), "overview.png"), FullPage = true });
    }
}
