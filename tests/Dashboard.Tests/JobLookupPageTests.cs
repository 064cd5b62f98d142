using System.Net;
using Jobs.Dashboard.Tests.Api;
using Jobs.Engine.Client;
using Jobs.Engine.Diagnostics;

namespace Jobs.Dashboard.Tests;

/// <summary>The Jobs page's one search box finds a job by id, idempotency key, correlation id or tag, and opens it when exactly one matches.</summary>
public sealed class JobLookupPageTests : ApiTest
{
    [Theory]
    [InlineData("{0}")]
    [InlineData("#{0}")]
    [InlineData(" #{0} ")]
    public async Task An_id_with_or_without_hash_opens_the_job(string typed)
    {
        await Host.Jobs.EnqueueAsync(new NoopArgs());
        var id = (await Host.Jobs.EnqueueAsync(new NoopArgs())).Id;
        await Host.Jobs.EnqueueAsync(new NoopArgs());
        using var browser = await Host.OperatorAsync();

        var response = await browser.GetAsync("/jobs?q=" + Uri.EscapeDataString(string.Format(typed, id)));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal($"/jobs/{id}", response.Headers.Location?.OriginalString);
    }

    [Theory]
    [InlineData("idempotency")]
    [InlineData("correlation")]
    [InlineData("tag")]
    public async Task A_key_correlation_id_or_tag_held_by_one_job_opens_it(string way)
    {
        var text = "order-" + Guid.NewGuid().ToString("N")[..8];
        var options = way switch
        {
            "idempotency" => new EnqueueOptions { IdempotencyKey = text },
            "correlation" => new EnqueueOptions { CorrelationId = text },
            _ => new EnqueueOptions { Tags = ["billing", text] },
        };
        await Host.Jobs.EnqueueAsync(new NoopArgs(), new EnqueueOptions { Tags = ["other"], CorrelationId = "other", IdempotencyKey = "other" });
        var id = (await Host.Jobs.EnqueueAsync(new NoopArgs(), options)).Id;
        using var browser = await Host.OperatorAsync();

        var response = await browser.GetAsync("/jobs?q=" + text);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal($"/jobs/{id}", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task A_tag_on_several_jobs_lists_them_and_links_to_the_tag_filter()
    {
        var first = (await Host.Jobs.EnqueueAsync(new NoopArgs(), new EnqueueOptions { Tags = ["nightly"] })).Id;
        var second = (await Host.Jobs.EnqueueAsync(new NoopArgs(), new EnqueueOptions { Tags = ["nightly"] })).Id;
        var untagged = (await Host.Jobs.EnqueueAsync(new NoopArgs())).Id;
        using var browser = await Host.OperatorAsync();

        var response = await browser.GetAsync("/jobs?q=nightly");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("names more than one job", html);
        Assert.Contains("href=\"/jobs?tag=nightly\"", html);
        Assert.Contains($"data-job=\"{first}\"", html);
        Assert.Contains($"data-job=\"{second}\"", html);
        Assert.DoesNotContain($"data-job=\"{untagged}\"", html);
    }

    [Fact]
    public async Task An_id_that_is_not_a_job_and_a_search_with_other_filters_stay_on_the_list()
    {
        var id = (await Host.Jobs.EnqueueAsync(new NoopArgs(), new EnqueueOptions { Tags = ["solo"] })).Id;
        using var browser = await Host.OperatorAsync();

        var missing = await browser.GetAsync($"/jobs?q=%23{id + 1000}");
        var filtered = await browser.GetAsync("/jobs?q=solo&queue=elsewhere");

        Assert.Equal(HttpStatusCode.OK, missing.StatusCode);
        Assert.Contains("No jobs match", await missing.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, filtered.StatusCode);
        Assert.DoesNotContain($"data-job=\"{id}\"", await filtered.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_api_search_finds_a_job_by_idempotency_key_and_id()
    {
        var id = (await Host.Jobs.EnqueueAsync(new NoopArgs(), new EnqueueOptions { IdempotencyKey = "invoice-77" })).Id;
        var other = (await Host.Jobs.EnqueueAsync(new NoopArgs())).Id;

        Assert.Equal([id], await Api.JobIdsAsync("search=invoice-77"));
        Assert.Equal([other], await Api.JobIdsAsync($"search=%23{other}"));
    }
}
