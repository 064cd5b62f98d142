using System.Net;
using Jobs.Dashboard.Tests.Api;
using Jobs.Engine.Diagnostics;

namespace Jobs.Dashboard.Tests;

/// <summary>A job-list filter that cannot be applied says so on the page (400), instead of being dropped or failing.</summary>
public sealed class JobListFilterPageTests : ApiTest
{
    [Theory]
    [InlineData("/jobs?from=garbage", "&#x27;garbage&#x27; is not a time for &#x27;from&#x27;")]
    [InlineData("/jobs?state=dead&to=2026-13-45T25:00", "is not a time for &#x27;to&#x27;")]
    [InlineData("/jobs?tag=a%00b", "The &#x27;tag&#x27; filter contains a NUL character")]
    [InlineData("/jobs?q=%00", "The &#x27;q&#x27; filter contains a NUL character")]
    [InlineData("/jobs?error=%00", "The &#x27;error&#x27; filter contains a NUL character")]
    [InlineData("/jobs/bulk?action=delete&from=garbage", "is not a time for &#x27;from&#x27;")]
    public async Task A_filter_that_cannot_be_applied_says_so(string page, string message)
    {
        await Host.Jobs.EnqueueAsync(new NoopArgs());
        using var browser = await Host.OperatorAsync();

        var response = await browser.GetAsync(page);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, html);
        Assert.DoesNotContain("data-job=", html);
    }

    [Fact]
    public async Task A_bad_time_stays_in_its_field_and_a_good_one_filters()
    {
        var id = (await Host.Jobs.EnqueueAsync(new NoopArgs())).Id;
        using var browser = await Host.OperatorAsync();

        var bad = await browser.GetAsync("/jobs?from=garbage");
        var after = await browser.GetStringAsync("/jobs?from=2000-01-01T00:00");
        var before = await browser.GetStringAsync("/jobs?to=2000-01-01T00:00");

        Assert.Contains("name=\"from\" value=\"garbage\"", await bad.Content.ReadAsStringAsync());
        Assert.Contains($"data-job=\"{id}\"", after);
        Assert.Contains("value=\"2000-01-01T00:00\"", after);
        Assert.DoesNotContain($"data-job=\"{id}\"", before);
    }
}
