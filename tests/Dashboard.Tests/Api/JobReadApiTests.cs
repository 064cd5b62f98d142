using System.Net;
using Jobs.Engine.Client;
using Jobs.Engine.Diagnostics;
using Jobs.Operators;

namespace Jobs.Dashboard.Tests.Api;

public sealed class JobReadApiTests : ApiTest
{
    protected override ApiKeyRole Role => ApiKeyRole.Producer;

    [Fact]
    public async Task A_job_reads_back_with_its_arguments_and_options()
    {
        var id = (await (await Api.PostJsonAsync("/api/v1/jobs", """
            {"kind": "inventory.reconcile", "args": {"warehouse": "WH1", "snapshotId": "latest"}, "partitionKey": "WH1",
             "tags": ["hourly"], "delaySeconds": 300, "idempotencyKey": "wh1-latest"}
            """)).JsonAsync()).Id();

        var response = await Api.GetAsync($"/api/v1/jobs/{id}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var job = await response.JsonAsync();
        Assert.Equal("inventory.reconcile", job.GetProperty("kind").GetString());
        Assert.Equal("scheduled", job.GetProperty("state").GetString());
        Assert.Equal("WH1", job.GetProperty("args").GetProperty("warehouse").GetString());
        Assert.Equal("WH1", job.GetProperty("partitionKey").GetString());
        Assert.Equal("wh1-latest", job.GetProperty("idempotencyKey").GetString());
        Assert.Equal("hourly", job.GetProperty("tags")[0].GetString());
        Assert.Equal(0, job.GetProperty("errors").GetArrayLength());
        Assert.True(job.GetProperty("scheduledAt").GetDateTimeOffset() > job.GetProperty("createdAt").GetDateTimeOffset().AddSeconds(299));
    }

    [Fact]
    public async Task A_missing_job_is_a_404_problem()
    {
        var response = await Api.GetAsync("/api/v1/jobs/987654");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("987654", (await response.ProblemAsync()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Lists_filter_like_the_dashboard_and_page_with_a_cursor()
    {
        var jobs = Host.Jobs;
        var noops = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            noops.Add((await jobs.EnqueueAsync(new NoopArgs(), new EnqueueOptions { Tags = ["wave-1"], CorrelationId = "corr-a" })).Id);
        }
        var other = (await jobs.EnqueueAsync(new FailArgs("x"), new EnqueueOptions { Tags = ["wave-1"], Queue = "slow", PartitionKey = "p-9" })).Id;
        var cancelled = (await jobs.EnqueueAsync(new NoopArgs(), new EnqueueOptions { Tags = ["wave-2"] })).Id;
        await jobs.CancelAsync(cancelled);

        // Kind and tag, two at a time, newest first, until the cursor runs out.
        var seen = new List<long>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await (await Api.GetAsync($"/api/v1/jobs?kind=diag.noop&tag=wave-1&limit=2{(cursor is null ? "" : "&cursor=" + cursor)}")).JsonAsync();
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(j => j.Id()));
            cursor = page.GetProperty("nextCursor").GetString();
            pages++;
        }
        while (cursor is not null && pages < 10);
        Assert.Equal(Enumerable.Reverse(noops), seen);
        Assert.Equal(3, pages);

        Assert.Equal([other], await Api.JobIdsAsync("queue=slow"));
        Assert.Equal([other], await Api.JobIdsAsync("partitionKey=p-9"));
        Assert.Equal([other], await Api.JobIdsAsync("kind=diag.fail,payment.capture&tag=wave-1"));
        Assert.Equal([cancelled], await Api.JobIdsAsync("state=cancelled"));
        Assert.Equal([cancelled, .. Enumerable.Reverse(noops)], await Api.JobIdsAsync("state=cancelled&state=available&kind=diag.noop"));
        Assert.Equal([cancelled, other], await Api.JobIdsAsync("state=cancelled,available&kind=diag.noop,diag.fail&queue=slow,default&limit=2"));
        Assert.Equal(Enumerable.Reverse(noops), await Api.JobIdsAsync("correlationId=corr-a"));
        Assert.Equal(7, (await Api.JobIdsAsync($"createdFrom={DateTimeOffset.UtcNow.AddMinutes(-5):O}".Replace("+", "%2B"))).Count);
        Assert.Empty(await Api.JobIdsAsync($"createdTo={DateTimeOffset.UtcNow.AddMinutes(-5):O}".Replace("+", "%2B")));
        Assert.Equal([cancelled], await Api.JobIdsAsync($"finishedFrom={DateTimeOffset.UtcNow.AddMinutes(-5):O}".Replace("+", "%2B")));
    }

    [Fact]
    public async Task Search_finds_jobs_by_their_arguments()
    {
        var hit = (await Host.Jobs.EnqueueAsync(new FailArgs("card declined for order 77"))).Id;
        await Host.Jobs.EnqueueAsync(new FailArgs("timeout"));

        Assert.Equal([hit], await Api.JobIdsAsync("search=ORDER%2077"));
    }

    [Theory]
    [InlineData("state=finished", "state")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=501", "limit")]
    [InlineData("limit=ten", "limit")]
    [InlineData("createdFrom=yesterday", "createdFrom")]
    [InlineData("cursor=bm90LWEtY3Vyc29y", "cursor")]
    public async Task Bad_filters_are_refused_naming_them(string query, string field)
    {
        var response = await Api.GetAsync("/api/v1/jobs?" + query);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal([field], (await response.ProblemAsync()).ErrorKeys());
    }
}
