using System.Net;
using System.Text.Json;
using Jobs.Dashboard.Tests.Api;
using Jobs.Engine.States;
using Jobs.Testing;

namespace Jobs.Dashboard.Tests;

/// <summary>
/// A stored row never breaks a page: with rows no enqueue path writes (<see cref="HostileRows"/>),
/// every list, detail, retry, cancel and delete, in the pages and the API, answers without a 5xx and
/// with a body (a form post answers with its redirect, whose target must render; a delete through the
/// API with 204, after which the job reads as 404).
/// </summary>
public sealed class HostileRowsTests : ApiTest
{
    private static readonly string[] States = Enum.GetValues<JobState>().Select(s => s.ToDb()).ToArray();

    [Fact]
    public async Task Every_list_and_detail_of_the_pages_and_the_api_answers()
    {
        var ids = await HostileRows.PlantAsync(Host.Schema, "diag.noop");
        using var browser = await Host.OperatorAsync();

        var pages = new List<string> { "/", "/overview/data", "/jobs", "/jobs?q=odd", "/dead-letter", "/queues", "/jobs/bulk?action=requeue&state=dead" };
        pages.AddRange(States.Select(s => $"/jobs?state={s}"));
        pages.AddRange(ids.Values.Select(id => $"/jobs/{id}"));
        foreach (var page in pages)
        {
            await AnswersAsync(await browser.GetAsync(page), "GET " + page, HttpStatusCode.OK);
        }

        var calls = new List<string> { "/api/v1/jobs", "/api/v1/jobs?search=odd", "/api/v1/jobs?limit=500" };
        calls.AddRange(States.Select(s => $"/api/v1/jobs?state={s}"));
        calls.AddRange(ids.Values.Select(id => $"/api/v1/jobs/{id}"));
        foreach (var call in calls)
        {
            await AnswersAsync(await Api.GetAsync(call), "GET " + call, HttpStatusCode.OK);
        }
        // JSON as deep as a response may nest is JSON; deeper, a string holding it.
        var deep = await (await Api.GetAsync($"/api/v1/jobs/{ids["args 62 levels deep, as deep as a response shows as JSON"]}")).JsonAsync();
        Assert.Equal(JsonValueKind.Object, deep.GetProperty("args").ValueKind);
        Assert.StartsWith("{\"d\": [[", deep.GetProperty("metadata").GetString());
        var odd = await (await Api.GetAsync($"/api/v1/jobs/{ids["succeeded with odd arguments"]}")).JsonAsync();
        Assert.Equal(JsonValueKind.String, odd.GetProperty("args").ValueKind);

        // Every list pages to its end, one job at a time, without repeating one.
        foreach (var state in States.Prepend(""))
        {
            var seen = new List<long>();
            string? cursor = null;
            do
            {
                var response = await Api.GetAsync($"/api/v1/jobs?limit=1&state={state}" + (cursor is null ? "" : "&cursor=" + cursor));
                await AnswersAsync(response, $"page {seen.Count + 1} of state '{state}'", HttpStatusCode.OK);
                var page = await response.JsonAsync();
                seen.AddRange(page.GetProperty("items").EnumerateArray().Select(j => j.Id()));
                cursor = page.GetProperty("nextCursor").GetString();
            }
            while (cursor is not null && seen.Count <= ids.Count);
            Assert.Null(cursor);
            Assert.Equal(seen.Count, seen.Distinct().Count());
        }
    }

    [Fact]
    public async Task Every_job_can_be_retried_and_cancelled_through_the_api_and_the_pages()
    {
        var viaApi = await HostileRows.PlantAsync(Host.Schema, "diag.noop");
        foreach (var (name, id) in viaApi)
        {
            await AnswersAsync(await Api.PostAsync($"/api/v1/jobs/{id}/retry", null), "API retry of " + name, HttpStatusCode.OK, HttpStatusCode.Conflict);
            await AnswersAsync(await Api.PostAsync($"/api/v1/jobs/{id}/cancel", null), "API cancel of " + name, HttpStatusCode.OK, HttpStatusCode.Conflict);
        }

        var viaPages = await HostileRows.PlantAsync(Host.Schema, "diag.noop");
        using var browser = await Host.OperatorAsync();
        foreach (var (name, id) in viaPages)
        {
            foreach (var handler in new[] { "Requeue", "Cancel" })
            {
                var token = await DashboardForms.TokenAsync(browser, $"/jobs/{id}");
                var post = await DashboardForms.PostAsync(browser, $"/jobs/{id}?handler={handler}", token);
                await FollowsAsync(browser, post, $"{handler} of {name}");
            }
        }

        var requeue = await Api.PostJsonAsync("/api/v1/jobs/requeue", """{"states": ["dead", "cancelled", "scheduled", "retrying", "succeeded"]}""");
        await AnswersAsync(requeue, "API requeue by filter", HttpStatusCode.OK);
    }

    [Fact]
    public async Task Every_job_can_be_deleted_through_the_api_and_the_pages()
    {
        var viaApi = await HostileRows.PlantAsync(Host.Schema, "diag.noop");
        foreach (var (name, id) in viaApi)
        {
            var delete = await Api.DeleteAsync($"/api/v1/jobs/{id}");
            Assert.True(delete.StatusCode == HttpStatusCode.NoContent, $"API delete of {name}: {(int)delete.StatusCode} {await delete.Content.ReadAsStringAsync()}");
            await AnswersAsync(await Api.GetAsync($"/api/v1/jobs/{id}"), "API read after delete of " + name, HttpStatusCode.NotFound);
        }

        var viaPages = await HostileRows.PlantAsync(Host.Schema, "diag.noop");
        using var browser = await Host.OperatorAsync();
        foreach (var (name, id) in viaPages)
        {
            var token = await DashboardForms.TokenAsync(browser, $"/jobs/{id}");
            await FollowsAsync(browser, await DashboardForms.PostAsync(browser, $"/jobs/{id}?handler=Delete", token), "page delete of " + name);
        }
        Assert.Equal(0L, await Host.Schema.ScalarAsync<long>("select count(*) from {s}.job"));
    }

    private static async Task AnswersAsync(HttpResponseMessage response, string what, params HttpStatusCode[] expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(expected.Contains(response.StatusCode) && body.Length > 0,
            $"{what}: {(int)response.StatusCode} with {body.Length} characters: {body[..Math.Min(body.Length, 500)]}");
    }

    /// <summary>A form post answers with a redirect, and the page it leads to renders.</summary>
    private static async Task FollowsAsync(HttpClient browser, HttpResponseMessage post, string what)
    {
        Assert.True(post.StatusCode == HttpStatusCode.Redirect, $"{what}: {(int)post.StatusCode} {await post.Content.ReadAsStringAsync()}");
        await AnswersAsync(await browser.GetAsync(post.Headers.Location), what + ", then its page", HttpStatusCode.OK);
    }
}
