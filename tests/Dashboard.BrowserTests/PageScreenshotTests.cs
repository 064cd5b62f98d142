using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Jobs.Dashboard.BrowserTests;

[Collection(DashboardCollection.Name)]
public sealed class PageScreenshotTests(DashboardFixture fixture)
{
    /// <summary>Every page renders for an admin with its heading and no script error; each is saved as a screenshot.</summary>
    [Theory]
    [InlineData("/jobs", "Jobs")]
    [InlineData("/jobs?state=dead", "Jobs")]
    [InlineData("/dead-letter", "Dead letter")]
    [InlineData("/recurring", "Recurring")]
    [InlineData("/queues", "Queues")]
    [InlineData("/servers", "Servers")]
    [InlineData("/webhooks", "Webhooks")]
    [InlineData("/audit", "Audit log")]
    [InlineData("/admin/operators", "Operators")]
    [InlineData("/admin/api-keys", "API keys")]
    public async Task Every_page_renders_for_an_admin(string path, string heading)
    {
        await fixture.EnsureSampleDataAsync();
        var page = await fixture.SignInAsync(DashboardFixture.AdminName);
        var errors = new List<string>();
        page.PageError += (_, error) => errors.Add(error);
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                errors.Add(message.Text);
            }
        };

        var response = await page.GotoAsync(path);
        Assert.Equal(200, response!.Status);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = heading, Exact = true })).ToBeVisibleAsync();
        var name = path.Trim('/').Replace('/', '-').Replace('?', '-').Replace('=', '-').Replace('&', '-');
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(DashboardFixture.ArtifactsDirectory(), $"page-{name}.png"), FullPage = true });
        Assert.Empty(errors);
    }

    [Fact]
    public async Task A_dead_job_shows_its_arguments_timeline_and_error_with_the_stack_trace()
    {
        await fixture.EnsureSampleDataAsync();
        var page = await fixture.SignInAsync(DashboardFixture.AdminName);

        await page.GotoAsync($"/jobs/{fixture.SampleDeadJobId}");
        await Expect(page.Locator("h1 .badge")).ToHaveTextAsync("dead");
        await Expect(page.Locator("#args")).ToContainTextAsync("\"key\": \"sample-invoice-42\"");
        await Expect(page.Locator(".timeline li")).ToHaveCountAsync(3);
        await page.GetByText("Stack trace").ClickAsync();
        await Expect(page.Locator("pre.stack")).ToContainTextAsync("FlakyHandler");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(DashboardFixture.ArtifactsDirectory(), "page-job-detail.png"), FullPage = true });
    }
}
