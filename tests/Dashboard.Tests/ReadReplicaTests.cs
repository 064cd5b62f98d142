using System.Net;
using System.Text.Json;
using Jobs.Dashboard.Tests.Api;
using Jobs.Operators;
using Jobs.Testing;

namespace Jobs.Dashboard.Tests;

/// <summary>
/// The dashboard with <c>ConnectionStrings:JobsReadOnly</c> on a real streaming replica of the test
/// database. Pausing the replica's replay freezes what it holds, so what the dashboard shows then tells
/// where it read from: lists and the overview from the replica, a job and every action from the primary.
/// </summary>
public sealed class ReadReplicaTests
{
    [Fact]
    public async Task Lists_and_overview_read_the_replica_while_actions_and_a_jobs_page_go_to_the_primary()
    {
        await using var replica = await Replica.StartAsync();
        await using var host = await ApiHost.StartAsync(new Dictionary<string, string> { ["ConnectionStrings:JobsReadOnly"] = replica.ConnectionString });
        using var api = host.Client(await host.CreateKeyAsync(ApiKeyRole.Operator));
        using var browser = await host.OperatorAsync();
        var first = await EnqueueAsync(api);
        await replica.CatchUpAsync();
        Assert.Equal([first], await api.JobIdsAsync("kind=diag.noop"));

        await replica.PauseReplayAsync();
        try
        {
            // Actions reach the primary although the replica is frozen.
            var second = await EnqueueAsync(api);
            Assert.Equal(HttpStatusCode.OK, (await api.PostAsync($"/api/v1/jobs/{first}/cancel", null)).StatusCode);
            var shown = await (await api.GetAsync($"/api/v1/jobs/{second}")).JsonAsync();
            Assert.Equal("available", shown.GetProperty("state").GetString());
            Assert.Equal("cancelled", (await (await api.GetAsync($"/api/v1/jobs/{first}")).JsonAsync()).GetProperty("state").GetString());

            // Lists and the overview still show the replica's frozen view: one job, not cancelled.
            Assert.Equal([first], await api.JobIdsAsync("kind=diag.noop"));
            Assert.Empty(await api.JobIdsAsync("state=cancelled"));
            var frozen = await OverviewCountsAsync(browser);
            Assert.Equal(1, frozen["available"]);
            Assert.Equal(0, frozen["cancelled"]);
            var page = await browser.GetStringAsync("/jobs?state=available");
            Assert.DoesNotContain($"/jobs/{second}\"", page, StringComparison.Ordinal);
            Assert.Contains($"/jobs/{first}\"", page, StringComparison.Ordinal);
        }
        finally
        {
            await replica.ResumeReplayAsync();
        }

        await replica.CatchUpAsync();
        Assert.Equal(2, (await api.JobIdsAsync("kind=diag.noop")).Count);
        var caughtUp = await OverviewCountsAsync(browser);
        Assert.Equal(1, caughtUp["available"]);
        Assert.Equal(1, caughtUp["cancelled"]);
    }

    private static async Task<long> EnqueueAsync(HttpClient api)
    {
        var response = await api.PostJsonAsync("/api/v1/jobs", """{"kind": "diag.noop"}""");
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.JsonAsync()).GetProperty("id").GetInt64();
    }

    /// <summary>The overview's count per state (-1 where it shows none).</summary>
    private static async Task<Dictionary<string, long>> OverviewCountsAsync(HttpClient browser)
    {
        using var data = JsonDocument.Parse(await browser.GetStringAsync("/overview/data"));
        return data.RootElement.GetProperty("counts").EnumerateArray()
            .ToDictionary(c => c.GetProperty("state").GetString()!, c => c.GetProperty("jobs").ValueKind == JsonValueKind.Number ? c.GetProperty("jobs").GetInt64() : -1);
    }
}
