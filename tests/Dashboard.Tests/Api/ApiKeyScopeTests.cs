using System.Net;
using Jobs.Engine.Client;
using Jobs.Engine.Diagnostics;
using Jobs.Engine.States;
using Jobs.Operators;
using Microsoft.Extensions.DependencyInjection;

namespace Jobs.Dashboard.Tests.Api;

public sealed class ApiKeyScopeTests : IAsyncLifetime
{
    private ApiHost _host = null!;

    public async Task InitializeAsync() => _host = await ApiHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_key_scoped_to_a_kind_enqueues_sees_and_steers_only_that_kind()
    {
        using var api = _host.Client(await _host.CreateKeyAsync(ApiKeyRole.Operator, kinds: ["diag.noop"]));
        var mine = (await _host.Jobs.EnqueueAsync(new NoopArgs(), new EnqueueOptions { Delay = TimeSpan.FromHours(1) })).Id;
        var theirs = (await _host.Jobs.EnqueueAsync(new FailArgs("x"), new EnqueueOptions { Delay = TimeSpan.FromHours(1) })).Id;

        var enqueue = await api.PostJsonAsync("/api/v1/jobs", """{"kind": "diag.fail", "args": {"message": "x"}}""");
        var batch = await api.PostJsonAsync("/api/v1/jobs/batch", """[{"kind": "diag.noop"}, {"kind": "diag.fail", "args": {"message": "x"}}]""");

        Assert.Equal(HttpStatusCode.Forbidden, enqueue.StatusCode);
        Assert.Contains("'diag.fail'", (await enqueue.ProblemAsync()).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, batch.StatusCode);
        Assert.Contains("[1]", (await batch.ProblemAsync()).GetProperty("detail").GetString());
        Assert.Equal(2, await _host.Schema.ScalarAsync<long>("select count(*) from {s}.job"));

        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync($"/api/v1/jobs/{mine}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync($"/api/v1/jobs/{theirs}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.PostAsync($"/api/v1/jobs/{theirs}/cancel", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.DeleteAsync($"/api/v1/jobs/{theirs}")).StatusCode);
        Assert.Equal([mine], await api.JobIdsAsync(""));
        Assert.Equal([mine], await api.JobIdsAsync("state=scheduled"));
        Assert.Empty(await api.JobIdsAsync("kind=diag.fail"));

        var requeue = await (await api.PostJsonAsync("/api/v1/jobs/requeue", """{"states": ["scheduled"]}""")).JsonAsync();
        Assert.Equal(1, requeue.GetProperty("requeued").GetInt32());
        Assert.Equal(JobState.Available, (await _host.Jobs.GetAsync(mine))!.State);
        Assert.Equal(JobState.Scheduled, (await _host.Jobs.GetAsync(theirs))!.State);
    }

    [Fact]
    public async Task A_key_scoped_to_a_queue_enqueues_only_there()
    {
        using var api = _host.Client(await _host.CreateKeyAsync(ApiKeyRole.Producer, queues: ["reports"]));
        var elsewhere = (await _host.Jobs.EnqueueAsync(new NoopArgs())).Id;

        var defaultQueue = await api.PostJsonAsync("/api/v1/jobs", """{"kind": "diag.noop"}""");
        var otherQueue = await api.PostJsonAsync("/api/v1/jobs", """{"kind": "diag.noop", "queue": "mail"}""");
        var itsQueue = await api.PostJsonAsync("/api/v1/jobs", """{"kind": "diag.noop", "queue": "reports"}""");

        Assert.Equal(HttpStatusCode.Forbidden, defaultQueue.StatusCode);
        Assert.Contains("'default'", (await defaultQueue.ProblemAsync()).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, otherQueue.StatusCode);
        Assert.Contains("'mail'", (await otherQueue.ProblemAsync()).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.Created, itsQueue.StatusCode);
        var id = (await itsQueue.JsonAsync()).Id();
        Assert.Equal("reports", (await _host.Jobs.GetAsync(id))!.Queue);
        Assert.Equal([id], await api.JobIdsAsync("kind=diag.noop"));
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync($"/api/v1/jobs/{elsewhere}")).StatusCode);
    }

    [Fact]
    public async Task An_idempotency_key_held_by_a_job_outside_the_keys_queues_is_a_409_and_changes_nothing()
    {
        using var api = _host.Client(await _host.CreateKeyAsync(ApiKeyRole.Producer, queues: ["reports"]));
        await _host.Jobs.EnqueueAsync(new NoopArgs(), new EnqueueOptions { Queue = "mail", IdempotencyKey = "k-1" });

        var single = await api.PostJsonAsync("/api/v1/jobs", """{"kind": "diag.noop", "queue": "reports", "idempotencyKey": "k-1"}""");
        var batch = await api.PostJsonAsync("/api/v1/jobs/batch",
            """[{"kind": "diag.noop", "queue": "reports"}, {"kind": "diag.noop", "queue": "reports", "idempotencyKey": "k-1"}]""");

        Assert.Equal(HttpStatusCode.Conflict, single.StatusCode);
        Assert.False((await single.ProblemAsync()).TryGetProperty("id", out _));
        Assert.Equal(HttpStatusCode.Conflict, batch.StatusCode);
        Assert.Contains("[1]", (await batch.ProblemAsync()).GetProperty("detail").GetString());
        Assert.Equal(1, await _host.Schema.ScalarAsync<long>("select count(*) from {s}.job"));
    }

    [Fact]
    public async Task A_queue_scoped_key_that_names_no_queue_gets_the_kinds_queue_written_on_the_job()
    {
        using var api = _host.Client(await _host.CreateKeyAsync(ApiKeyRole.Producer, queues: ["default"]));

        var response = await api.PostJsonAsync("/api/v1/jobs", """{"kind": "diag.noop"}""");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("default", (await _host.Jobs.GetAsync((await response.JsonAsync()).Id()))!.Queue);
    }

    [Fact]
    public async Task A_revoked_key_is_refused_at_once()
    {
        var key = await _host.CreateKeyAsync();
        using var api = _host.Client(key);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/api/v1/jobs")).StatusCode);
        var keys = _host.Services.GetRequiredService<ApiKeys>();
        var id = (await keys.ListAsync()).Single().Id;

        await keys.RevokeAsync(id);
        var response = await api.PostJsonAsync("/api/v1/jobs", """{"kind": "diag.noop"}""");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        await response.ProblemAsync();
        Assert.Equal(0, await _host.Schema.ScalarAsync<long>("select count(*) from {s}.job"));
    }

    [Theory]
    [InlineData("GET", "/api/v1/jobs/1")]
    [InlineData("GET", "/api/v1/jobs")]
    [InlineData("POST", "/api/v1/jobs")]
    [InlineData("GET", "/api/v1/no-such-route")]
    [InlineData("GET", "/api/v2/jobs")]
    public async Task Without_a_key_the_api_answers_401_problem_json_not_a_login_redirect(string method, string path)
    {
        using var anonymous = _host.Anonymous();
        using var wrongKey = _host.Client("jobs_000000000000_not-a-real-key");

        var none = await anonymous.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        var wrong = await wrongKey.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal("Bearer", none.Headers.WwwAuthenticate.Single().Scheme);
        await none.ProblemAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        await wrong.ProblemAsync();
    }

    [Fact]
    public async Task An_unknown_route_with_a_key_is_a_404_problem()
    {
        using var api = _host.Client(await _host.CreateKeyAsync());

        var response = await api.GetAsync("/api/v1/no-such-route");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        await response.ProblemAsync();
    }

    [Fact]
    public async Task A_webhook_message_is_published_through_the_api_when_the_key_allows_webhook_deliveries()
    {
        using var api = _host.Client(await _host.CreateKeyAsync(ApiKeyRole.Producer, kinds: ["webhook.deliver"]));
        using var narrow = _host.Client(await _host.CreateKeyAsync(ApiKeyRole.Producer, kinds: ["diag.noop"]));
        var endpoint = await _host.Services.GetRequiredService<Jobs.Webhooks.WebhookEndpoints>().CreateAsync("https://example.com/hooks", ["invoice.paid"]);
        const string Body = """{"eventType": "invoice.paid", "payload": {"invoiceId": 42}, "messageId": "evt_42"}""";

        var published = await api.PostJsonAsync("/api/v1/webhooks/messages", Body);
        var again = await api.PostJsonAsync("/api/v1/webhooks/messages", Body);
        var refused = await narrow.PostJsonAsync("/api/v1/webhooks/messages", Body.Replace("evt_42", "evt_43"));

        Assert.Equal(HttpStatusCode.Created, published.StatusCode);
        var delivery = (await published.JsonAsync()).GetProperty("deliveries").EnumerateArray().Single();
        Assert.Equal(endpoint.EndpointId, delivery.GetProperty("endpointId").GetInt64());
        var job = (await _host.Jobs.GetAsync(delivery.GetProperty("jobId").GetInt64()))!;
        Assert.Equal("webhook.deliver", job.Kind);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("webhook.deliver", (await refused.ProblemAsync()).GetProperty("detail").GetString());
        Assert.Equal(1, await _host.Schema.ScalarAsync<long>("select count(*) from {s}.job"));
    }
}
