using System.Collections.Concurrent;
using Hangfire;
using Jobs.Engine.Client;
using Jobs.Engine.States;
using Jobs.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Jobs.Dashboard.BrowserTests;

/// <summary>
/// The real Hangfire Dashboard at /hangfire, clicked through in Chromium: its jobs are Hangfire
/// method calls enqueued with Hangfire's own client on the host's storage and run by the engine's
/// worker (<c>AddHangfireJobs</c>).
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class HangfireDashboardBrowserTests(DashboardFixture fixture)
{
    private IJobClient Jobs => fixture.Worker.Client;

    private JobStorage Storage => fixture.Dashboard.Services.GetRequiredService<JobStorage>();

    private static long Id(string hangfireId) => long.Parse(hangfireId, System.Globalization.CultureInfo.InvariantCulture);

    private async Task<string> DeadHangfireJobAsync(string key)
    {
        var id = new BackgroundJobClient(Storage).Enqueue(() => HangfireBrowserJobs.Flaky(key));
        await Eventually.TrueAsync(async () => (await Jobs.GetAsync(Id(id)))!.State == JobState.Dead, $"job {id} to die");
        return id;
    }

    /// <summary>Every content security policy violation the page reports.</summary>
    private static List<string> Violations(IPage page)
    {
        var violations = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.Ordinal))
            {
                violations.Add($"{page.Url}: {message.Text}");
            }
        };
        return violations;
    }

    [Fact]
    public async Task An_operator_requeues_a_dead_job_from_the_failed_page_and_it_runs_again()
    {
        var key = "hf-" + Guid.NewGuid().ToString("N")[..8];
        var id = await DeadHangfireJobAsync(key);
        var page = await fixture.SignInAsync(DashboardFixture.AdminName);
        var violations = Violations(page);

        await page.GetByRole(AriaRole.Link, new() { Name = "Hangfire", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Realtime Graph" })).ToBeVisibleAsync();
        await page.GotoAsync("/hangfire/jobs/failed");
        var row = page.Locator("tr.js-jobs-list-row", new() { Has = page.Locator($"input[value='{id}']") });
        await Expect(row).ToContainTextAsync("HangfireBrowserJobs.Flaky");
        await Expect(row).ToContainTextAsync($"upstream unavailable for {key}");
        HangfireBrowserJobs.Fixed[key] = true;
        await row.Locator("input.js-jobs-list-checkbox").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Requeue jobs" }).ClickAsync();

        await Eventually.TrueAsync(async () => (await Jobs.GetAsync(Id(id)))!.State == JobState.Succeeded, $"job {id} to succeed");
        Assert.Equal(2, HangfireBrowserJobs.Runs(key));
        // Hangfire's script reloads the list once the requeue answered: wait for that reload (the job
        // has left the failed list) so that it cannot cut the next navigation short.
        await Expect(row).ToHaveCountAsync(0);
        await page.GotoAsync($"/hangfire/jobs/details/{id}");
        await Expect(page.Locator(".state-card").First).ToContainTextAsync("Succeeded");
        await Expect(page.Locator(".job-snippet, .state-card").Filter(new() { HasText = "InvalidOperationException" }).First).ToBeVisibleAsync();
        // Back to the native pages, whose audit log names who requeued it.
        await page.GetByRole(AriaRole.Link, new() { Name = "Back to site" }).ClickAsync();
        await page.GotoAsync("/audit");
        await Expect(page.Locator("tr[data-audit='jobs.requeue']").First).ToContainTextAsync($"job {id}");
        await Expect(page.Locator("tr[data-audit='jobs.requeue']").First).ToContainTextAsync(DashboardFixture.AdminName);
        // The host's strict policy holds on every Hangfire page: nothing it refuses is on them.
        foreach (var path in new[] { "", "/jobs/enqueued", "/jobs/scheduled", "/jobs/processing", "/jobs/succeeded", "/jobs/failed",
            "/jobs/deleted", "/jobs/awaiting", "/retries", "/recurring", "/servers", $"/jobs/details/{id}" })
        {
            await page.GotoAsync("/hangfire" + path);
            await Expect(page.Locator("#footer")).ToContainTextAsync("Hangfire");
        }
        Assert.Empty(violations);
    }

    [Fact]
    public async Task A_viewer_sees_no_requeue_button_and_a_forged_post_is_refused()
    {
        var key = "hfv-" + Guid.NewGuid().ToString("N")[..8];
        var id = await DeadHangfireJobAsync(key);
        var page = await fixture.SignInAsync(DashboardFixture.ViewerName);

        await page.GotoAsync("/hangfire/jobs/failed");
        await Expect(page.Locator($"input[value='{id}'], a[href='/hangfire/jobs/details/{id}']").First).ToBeAttachedAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Requeue jobs" })).ToHaveCountAsync(0);
        await page.GotoAsync($"/hangfire/jobs/details/{id}");
        await Expect(page.Locator(".state-card").First).ToContainTextAsync($"upstream unavailable for {key}");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Requeue" })).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Delete" })).ToHaveCountAsync(0);

        // Post the requeue anyway, as Hangfire's script would, with the page's own antiforgery token.
        var status = await page.EvaluateAsync<int>($$"""
            async () => {
                const header = document.querySelector("meta[name=csrf-header]").content;
                const token = document.querySelector("meta[name=csrf-token]").content;
                const response = await fetch("/hangfire/jobs/actions/requeue/{{id}}", { method: "POST", headers: { [header]: token } });
                return response.status;
            }
            """);
        Assert.Equal(403, status);
        Assert.Equal(JobState.Dead, (await Jobs.GetAsync(Id(id)))!.State);
    }

    [Fact]
    public async Task Trigger_now_on_the_recurring_jobs_page_fires_a_recurring_job_once()
    {
        var key = "hfr-" + Guid.NewGuid().ToString("N")[..8];
        var name = "report-" + key;
        new RecurringJobManager(Storage).AddOrUpdate(name, () => HangfireBrowserJobs.Record(key), "0 3 1 1 *");
        var page = await fixture.SignInAsync(DashboardFixture.AdminName);

        await page.GotoAsync("/hangfire/recurring");
        var row = page.Locator("tr.js-jobs-list-row", new() { Has = page.Locator($"input[value='{name}']") });
        await Expect(row).ToContainTextAsync("0 3 1 1 *");
        await row.Locator("input.js-jobs-list-checkbox").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Trigger now" }).ClickAsync();

        await Eventually.TrueAsync(() => Task.FromResult(HangfireBrowserJobs.Runs(key) == 1), $"the recurring job {name} to run");
        // Once: one engine job carries the schedule's name, and it ran once.
        var fired = await fixture.Schema.QueryAsync<long>("select id from {s}.job where metadata ->> 'schedule' = @name", new { name });
        var job = Assert.Single(fired);
        await Eventually.TrueAsync(async () => (await Jobs.GetAsync(job))!.State == JobState.Succeeded, "the triggered job to succeed");
        Assert.Equal(1, HangfireBrowserJobs.Runs(key));
        // Its last execution is that job, not N/A (the page reloads itself after the trigger; a
        // navigation of ours now could interrupt that reload).
        await Expect(row.Locator($"a[href$='/jobs/details/{job}']")).ToBeVisibleAsync(new() { Timeout = 15_000 });
    }
}

/// <summary>The Hangfire jobs of these tests: plain static methods, as a Hangfire application has them.</summary>
public static class HangfireBrowserJobs
{
    private static readonly ConcurrentDictionary<string, int> RunCounts = new();

    /// <summary>Keys whose flaky job succeeds from now on.</summary>
    public static readonly ConcurrentDictionary<string, bool> Fixed = new();

    public static int Runs(string key) => RunCounts.GetValueOrDefault(key);

    [AutomaticRetry(Attempts = 0)]
    public static void Flaky(string key)
    {
        RunCounts.AddOrUpdate(key, 1, (_, n) => n + 1);
        if (!Fixed.ContainsKey(key))
        {
            throw new InvalidOperationException($"upstream unavailable for {key}");
        }
    }

    public static void Record(string key) => RunCounts.AddOrUpdate(key, 1, (_, n) => n + 1);
}
