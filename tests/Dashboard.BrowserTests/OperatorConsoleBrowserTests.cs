using System.Text.RegularExpressions;
using Jobs.Engine.States;
using Jobs.Sandbox.Receiver;
using Jobs.Testing;
using Jobs.Webhooks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Jobs.Dashboard.BrowserTests;

/// <summary>Operators manage webhook endpoints and recurring schedules from the pages, without code.</summary>
[Collection(OperatorConsoleCollection.Name)]
public sealed class OperatorConsoleBrowserTests(OperatorConsoleFixture fixture)
{
    private async Task<ReceivedWebhook> PublishAndReceiveAsync(string eventType, string receiver)
    {
        var before = fixture.Receiver.Received(receiver).Count;
        await fixture.Dashboard.Services.GetRequiredService<WebhookPublisher>().PublishAsync(eventType, new { Order = 42 });
        await Eventually.TrueAsync(() => Task.FromResult(fixture.Receiver.Received(receiver).Count > before), $"a delivery at {receiver}");
        return fixture.Receiver.Received(receiver)[^1];
    }

    private static bool SignedWith(ReceivedWebhook delivery, string secret) =>
        WebhookSignature.TryVerify(secret, delivery.Id, delivery.Timestamp, delivery.Signature, delivery.Body, DateTimeOffset.UtcNow, WebhookSignature.DefaultTolerance, out _);

    [Fact]
    public async Task An_admin_creates_an_endpoint_that_receives_signed_deliveries_edits_its_url_and_rotates_once_however_often_the_page_reloads()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var eventType = $"order.created.{tag}";
        var page = await fixture.SignInAsync(DashboardFixture.AdminName);

        await page.GotoAsync("/webhooks");
        await page.Locator("#new-endpoint").ClickAsync();
        await page.GetByLabel("URL").FillAsync(fixture.ReceiverUrl($"first-{tag}"));
        await page.GetByLabel("Description").FillAsync("browser shop");
        await page.GetByLabel("Event types").FillAsync(eventType);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create endpoint" }).ClickAsync();

        await Expect(page.Locator(".flash-ok")).ToContainTextAsync("Created endpoint #");
        var first = (await page.Locator("#issued-secret").TextContentAsync())!.Trim();
        Assert.StartsWith("whsec_", first);
        var created = await PublishAndReceiveAsync(eventType, $"first-{tag}");
        Assert.True(SignedWith(created, first), "the delivery is signed with the secret the page showed");
        await page.ReloadAsync();
        await Expect(page.Locator("#issued-secret")).ToHaveCountAsync(0);
        await Expect(page.Locator("#secret-gone")).ToBeVisibleAsync();

        await page.GetByLabel("URL").FillAsync(fixture.ReceiverUrl($"second-{tag}"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(page.Locator(".flash-ok")).ToContainTextAsync("Saved endpoint");
        var moved = await PublishAndReceiveAsync(eventType, $"second-{tag}");
        Assert.True(SignedWith(moved, first));

        await page.GetByRole(AriaRole.Button, new() { Name = "Rotate secret" }).ClickAsync();
        await Expect(page.Locator(".flash-ok")).ToContainTextAsync("Rotated the signing secret");
        var rotated = (await page.Locator("#issued-secret").TextContentAsync())!.Trim();
        Assert.NotEqual(first, rotated);
        await page.ReloadAsync();
        await page.ReloadAsync();
        await Expect(page.Locator("#issued-secret")).ToHaveCountAsync(0);

        // One rotation: deliveries carry the new secret's signature and still the first one's (a
        // second rotation would have dropped the first, which the receiver still uses).
        var after = await PublishAndReceiveAsync(eventType, $"second-{tag}");
        Assert.True(SignedWith(after, rotated));
        Assert.True(SignedWith(after, first));
        Assert.Equal(2, after.Signature!.Split(' ').Length);
        await page.GotoAsync("/webhooks");
        await Expect(page.Locator("tr[data-endpoint]", new() { HasText = $"second-{tag}" })).ToContainTextAsync("browser shop");
    }

    [Fact]
    public async Task An_operator_creates_a_schedule_after_seeing_its_next_fire_times_triggers_it_and_follows_its_run()
    {
        var name = "browser-report-" + Guid.NewGuid().ToString("N")[..8];
        var page = await fixture.SignInAsync(DashboardFixture.AdminName);

        await page.GotoAsync("/recurring");
        await page.Locator("#new-schedule").ClickAsync();
        await page.GetByLabel("Name").FillAsync(name);
        await page.GetByLabel("Time zone").FillAsync("Europe/Berlin");
        await page.GetByLabel("Kind").SelectOptionAsync("diag.noop");
        // The fire times follow what is typed, before anything is sent.
        await page.GetByLabel("Cron").FillAsync("30 6 * * *");
        await Expect(page.Locator("#next-fires li")).ToHaveCountAsync(5);
        await Expect(page.Locator("#next-fires li").First).ToContainTextAsync("06:30:00 Europe/Berlin");
        await page.GetByLabel("Cron").FillAsync("61 6 * * *");
        await Expect(page.Locator("[data-error=cron]")).ToContainTextAsync("Cron expression '61 6 * * *' is invalid");
        await page.GetByRole(AriaRole.Button, new() { Name = "Show next fire times" }).ClickAsync();
        await Expect(page.Locator("[data-error=cron]")).ToContainTextAsync("Cron expression '61 6 * * *' is invalid");
        await Expect(page.Locator("#next-fires li")).ToHaveCountAsync(0);

        await page.GetByLabel("Cron").FillAsync("30 6 * * *");
        await page.GetByRole(AriaRole.Button, new() { Name = "Show next fire times" }).ClickAsync();
        var fires = page.Locator("#next-fires li");
        await Expect(fires).ToHaveCountAsync(5);
        foreach (var fire in await fires.AllTextContentsAsync())
        {
            Assert.Matches(@"06:30:00 Europe/Berlin", fire);
        }
        await page.GetByRole(AriaRole.Button, new() { Name = "Create schedule" }).ClickAsync();
        await Expect(page.Locator(".flash-ok")).ToContainTextAsync($"Created schedule '{name}'");

        var row = page.Locator($"tr[data-schedule='{name}']");
        await Expect(row).ToContainTextAsync("made by an operator");
        await Expect(row.Locator("[data-outcome]")).ToContainTextAsync("never fired");
        await row.GetByRole(AriaRole.Button, new() { Name = "Trigger now" }).ClickAsync();
        await Expect(page.Locator(".flash-ok")).ToContainTextAsync($"Triggered '{name}': job #");
        var flash = (await page.Locator(".flash-ok").TextContentAsync())!;
        var jobId = long.Parse(Regex.Match(flash, "job #([0-9]+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        await Expect(row.Locator("[data-outcome]")).ToContainTextAsync($"#{jobId}");
        await Expect(row.Locator("[data-last-fire]")).Not.ToContainTextAsync("–");

        await Eventually.TrueAsync(async () => (await fixture.Worker.Client.GetAsync(jobId))!.State == JobState.Succeeded, "the triggered job to run");
        await row.GetByRole(AriaRole.Link, new() { Name = name }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"schedule={name}"));
        var runs = page.Locator("table.jobs tbody tr");
        await Expect(runs).ToHaveCountAsync(1);
        await Expect(runs.First).ToContainTextAsync($"#{jobId}");
        await Expect(runs.First).ToContainTextAsync("succeeded");
    }
}
