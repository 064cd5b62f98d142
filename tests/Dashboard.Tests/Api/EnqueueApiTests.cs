using System.Net;
using System.Text;
using System.Text.Json;
using Jobs.Engine.States;

namespace Jobs.Dashboard.Tests.Api;

public sealed class EnqueueApiTests : ApiTest
{
    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["Dashboard:MaxJobBodyBytes"] = "2048",
        ["Dashboard:MaxBatchBodyBytes"] = "65536",
        ["Dashboard:MaxBatchJobs"] = "5",
    };

    [Fact]
    public async Task One_job_is_stored_with_its_options_and_the_requests_correlation_id()
    {
        var runAt = DateTimeOffset.UtcNow.AddHours(1);
        var response = await Api.PostJsonAsync("/api/v1/jobs", $$$"""
            {"kind": "payment.capture", "args": {"paymentId": 42, "amount": 1500, "currency": "usd"},
             "queue": "payments", "priority": 7, "runAt": "{{{runAt:O}}}", "maxAttempts": 3, "timeoutSeconds": 20,
             "tags": ["billing", "eu"], "partitionKey": "merchant-17", "metadata": {"order": "A-1"}}
            """, r => r.Headers.Add("X-Correlation-ID", "order-request-7"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("order-request-7", response.Headers.GetValues("X-Correlation-ID").Single());
        var body = await response.JsonAsync();
        Assert.True(body.GetProperty("created").GetBoolean());
        Assert.Equal($"/api/v1/jobs/{body.Id()}", response.Headers.Location!.OriginalString);

        var job = (await Host.Jobs.GetAsync(body.Id()))!;
        Assert.Equal("payment.capture", job.Kind);
        Assert.Equal("payments", job.Queue);
        Assert.Equal(JobState.Scheduled, job.State);
        Assert.Equal(7, job.Priority);
        Assert.Equal(3, job.MaxAttempts);
        Assert.Equal(TimeSpan.FromSeconds(20), job.Timeout);
        Assert.Equal(["billing", "eu"], job.Tags);
        Assert.Equal("merchant-17", job.PartitionKey);
        Assert.Equal("order-request-7", job.CorrelationId);
        Assert.InRange(job.ScheduledAt, runAt.AddMilliseconds(-1), runAt.AddMilliseconds(1));
        Assert.Equal(1500, JsonDocument.Parse(job.ArgsJson).RootElement.GetProperty("amount").GetInt64());
        Assert.Equal("A-1", JsonDocument.Parse(job.MetadataJson!).RootElement.GetProperty("order").GetString());
    }

    [Fact]
    public async Task A_correlation_id_in_the_body_wins_and_without_one_the_request_gets_a_new_one()
    {
        var named = await Api.PostJsonAsync("/api/v1/jobs", """{"kind": "diag.noop", "correlationId": "from-body"}""",
            r => r.Headers.Add("X-Correlation-ID", "from-header"));
        var unnamed = await Api.PostJsonAsync("/api/v1/jobs", """{"kind": "diag.noop", "delaySeconds": 60}""");

        Assert.Equal("from-body", (await Host.Jobs.GetAsync((await named.JsonAsync()).Id()))!.CorrelationId);
        var generated = unnamed.Headers.GetValues("X-Correlation-ID").Single();
        Assert.False(string.IsNullOrEmpty(generated));
        var job = (await Host.Jobs.GetAsync((await unnamed.JsonAsync()).Id()))!;
        Assert.Equal(generated, job.CorrelationId);
        Assert.Equal(JobState.Scheduled, job.State);
    }

    [Fact]
    public async Task An_idempotency_key_returns_the_existing_job_with_200()
    {
        var first = await Api.PostJsonAsync("/api/v1/jobs", """{"kind": "diag.noop", "idempotencyKey": "order-42"}""");
        var again = await Api.PostJsonAsync("/api/v1/jobs", """{"kind": "diag.noop", "idempotencyKey": "order-42"}""");
        var byHeader = await Api.PostJsonAsync("/api/v1/jobs", """{"kind": "diag.noop"}""", r => r.Headers.Add("Idempotency-Key", "order-42"));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(HttpStatusCode.OK, byHeader.StatusCode);
        var id = (await first.JsonAsync()).Id();
        var existing = await again.JsonAsync();
        Assert.Equal(id, existing.Id());
        Assert.False(existing.GetProperty("created").GetBoolean());
        Assert.Equal(id, (await byHeader.JsonAsync()).Id());
        Assert.Equal(1, await Host.Schema.ScalarAsync<long>("select count(*) from {s}.job"));
    }

    [Fact]
    public async Task A_batch_is_stored_in_order_in_one_go()
    {
        var response = await Api.PostJsonAsync("/api/v1/jobs/batch", """
            [{"kind": "diag.noop", "tags": ["first"]},
             {"kind": "cache.warm", "args": {"runId": "nightly"}},
             {"kind": "diag.fail", "args": {"message": "boom"}, "idempotencyKey": "f-1"},
             {"kind": "diag.fail", "args": {"message": "boom"}, "idempotencyKey": "f-1"}]
            """);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.JsonAsync();
        var jobs = body.GetProperty("jobs").EnumerateArray().ToList();
        Assert.Equal(3, body.GetProperty("created").GetInt32());
        Assert.Equal(4, jobs.Count);
        Assert.Equal(jobs[2].Id(), jobs[3].Id());
        Assert.False(jobs[3].GetProperty("created").GetBoolean());
        var kinds = new List<string>();
        foreach (var job in jobs.Take(3))
        {
            kinds.Add((await Host.Jobs.GetAsync(job.Id()))!.Kind);
        }
        Assert.Equal(["diag.noop", "cache.warm", "diag.fail"], kinds);
    }

    [Fact]
    public async Task A_batch_with_one_bad_job_stores_nothing_and_names_the_job_and_field()
    {
        var response = await Api.PostJsonAsync("/api/v1/jobs/batch", """
            [{"kind": "diag.noop"},
             {"kind": "payment.capture", "args": {"paymentId": 1, "amount": "lots", "currency": "usd"}},
             {"kind": "diag.noop", "maxAttempts": 0}]
            """);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.ProblemAsync();
        Assert.Equal(["[1].args.amount", "[2].maxAttempts"], problem.ErrorKeys());
        Assert.Equal(0, await Host.Schema.ScalarAsync<long>("select count(*) from {s}.job"));
    }

    [Fact]
    public async Task An_unknown_kind_is_refused_naming_it()
    {
        var response = await Api.PostJsonAsync("/api/v1/jobs", """{"kind": "invoice.sendd", "args": {}}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.ProblemAsync();
        Assert.Contains("invoice.sendd", problem.Error("kind"));
        Assert.Contains("payment.capture", problem.Error("kind"));
        Assert.Equal(0, await Host.Schema.ScalarAsync<long>("select count(*) from {s}.job"));
    }

    [Theory]
    [InlineData("""{"paymentId": 1, "amount": "lots", "currency": "usd"}""", "args.amount")]
    [InlineData("""{"paymentId": 1, "currency": "usd"}""", "args.amount")]
    [InlineData("""{"paymentId": 1, "amount": 100, "currency": null}""", "args.currency")]
    public async Task Arguments_that_do_not_fit_the_kinds_record_are_refused_naming_the_field(string args, string field)
    {
        var response = await Api.PostJsonAsync("/api/v1/jobs", $$"""{"kind": "payment.capture", "args": {{args}}}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.ProblemAsync();
        Assert.Contains(field, problem.ErrorKeys());
        Assert.Contains(field["args.".Length..], problem.Error(field));
        Assert.Equal(0, await Host.Schema.ScalarAsync<long>("select count(*) from {s}.job"));
    }

    [Theory]
    [InlineData("""{"kind": "diag.noop", "queue": "no spaces"}""", "queue")]
    [InlineData("""{"kind": "diag.noop", "maxAttempts": 0}""", "maxAttempts")]
    [InlineData("""{"kind": "diag.noop", "priority": 40000}""", "priority")]
    [InlineData("""{"kind": "diag.noop", "runAt": "2030-01-01T00:00:00Z", "delaySeconds": 5}""", "runAt")]
    [InlineData("""{"kind": "diag.noop", "delaySeconds": -5}""", "delaySeconds")]
    [InlineData("""{"kind": "diag.noop", "delay": "soon"}""", "delay")]
    [InlineData("""{"kind": "diag.noop", "timeoutSeconds": 0}""", "timeoutSeconds")]
    [InlineData("""{"kind": "diag.noop", "maxAtempts": 3}""", "maxAtempts")]
    [InlineData("""{"kind": "diag.noop", "priority": "high"}""", "priority")]
    public async Task Invalid_options_are_refused_naming_the_option(string json, string option)
    {
        var response = await Api.PostJsonAsync("/api/v1/jobs", json);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal([option], (await response.ProblemAsync()).ErrorKeys());
    }

    [Theory]
    [InlineData("/api/v1/jobs", """{"kind": "diag.noop",""")]
    [InlineData("/api/v1/jobs", "kind=diag.noop")]
    [InlineData("/api/v1/jobs", "")]
    [InlineData("/api/v1/jobs/batch", """[{"kind": "diag.noop"}""")]
    [InlineData("/api/v1/jobs/batch", """{"kind": "diag.noop"}""")]
    [InlineData("/api/v1/jobs/requeue", "[1, 2")]
    public async Task Malformed_json_is_a_400_problem_not_a_500(string path, string body)
    {
        var response = await Api.PostJsonAsync(path, body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(400, (await response.ProblemAsync()).GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_415()
    {
        using var content = new StringContent("kind=diag.noop", Encoding.UTF8, "application/x-www-form-urlencoded");
        var response = await Api.PostAsync("/api/v1/jobs", content);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        await response.ProblemAsync();
    }

    [Fact]
    public async Task An_oversized_body_is_413_whether_its_length_is_announced_or_not()
    {
        var big = $$$"""{"kind": "diag.noop", "metadata": {"pad": "{{{new string('x', 4000)}}}"}}""";

        var announced = await Api.PostJsonAsync("/api/v1/jobs", big);
        using var chunked = new StreamContent(new UnseekableStream(Encoding.UTF8.GetBytes(big)));
        chunked.Headers.ContentType = new("application/json");
        var streamed = await Api.PostAsync("/api/v1/jobs", chunked);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, announced.StatusCode);
        Assert.Contains("2,048", (await announced.ProblemAsync()).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, streamed.StatusCode);
        await streamed.ProblemAsync();
        Assert.Equal(0, await Host.Schema.ScalarAsync<long>("select count(*) from {s}.job"));
    }

    [Fact]
    public async Task A_batch_of_more_jobs_than_allowed_is_413()
    {
        var six = "[" + string.Join(",", Enumerable.Repeat("""{"kind": "diag.noop"}""", 6)) + "]";

        var response = await Api.PostJsonAsync("/api/v1/jobs/batch", six);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("at most 5 jobs", (await response.ProblemAsync()).GetProperty("detail").GetString());
        Assert.Equal(0, await Host.Schema.ScalarAsync<long>("select count(*) from {s}.job"));
    }

    /// <summary>A body whose length the client cannot know, so it is sent chunked.</summary>
    private sealed class UnseekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
