using System.Net;
using System.Text;
using System.Text.Json;
using Jobs.Engine.States;
using Jobs.Operators;

namespace Jobs.Dashboard.Tests.Api;

/// <summary>Webhook endpoints managed over the API: create with a secret shown once, read, change, rotate, switch, delete.</summary>
public sealed class WebhookEndpointsApiTests : ApiTest
{
    // A public address: nothing connects to it (the dashboard runs no deliveries), the SSRF guard lets it through.
    private const string PublicUrl = "https://93.184.215.14/hooks/orders";

    private async Task<JsonElement> CreateAsync(string json)
    {
        var response = await Api.PostJsonAsync("/api/v1/webhook-endpoints", json);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.JsonAsync();
    }

    private static Task<HttpResponseMessage> PatchAsync(HttpClient client, string path, string json) =>
        client.PatchAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

    [Fact]
    public async Task Creating_answers_201_with_the_id_and_a_secret_that_is_never_read_back()
    {
        var response = await Api.PostJsonAsync("/api/v1/webhook-endpoints",
            $$"""{"url": "{{PublicUrl}}", "eventTypes": ["order.created", "order.paid"], "description": "shop orders"}""");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.JsonAsync();
        var id = created.Id();
        var secret = created.GetProperty("secret").GetString()!;
        Assert.StartsWith("whsec_", secret);
        Assert.Equal($"/api/v1/webhook-endpoints/{id}", response.Headers.Location!.OriginalString);
        Assert.Equal(PublicUrl, created.GetProperty("url").GetString());
        Assert.Equal(["order.created", "order.paid"], created.GetProperty("eventTypes").EnumerateArray().Select(e => e.GetString()));
        var one = await (await Api.GetAsync($"/api/v1/webhook-endpoints/{id}")).JsonAsync();
        var list = await Api.GetStringAsync("/api/v1/webhook-endpoints");
        Assert.Equal("shop orders", one.GetProperty("description").GetString());
        Assert.True(one.GetProperty("enabled").GetBoolean());
        Assert.False(one.TryGetProperty("secret", out _));
        Assert.Contains(PublicUrl, list);
        Assert.DoesNotContain(secret, list);
        Assert.DoesNotContain(secret[6..], list);
        // Stored encrypted: the clear secret is nowhere in the row.
        var stored = await Host.Schema.ScalarAsync<byte[]>("select secret from {app}.webhook_endpoint where id = @id", new { id });
        Assert.DoesNotContain(secret, Encoding.UTF8.GetString(stored));
        Assert.Contains("webhooks.create", await Host.Schema.ScalarAsync<string>("select string_agg(action, ',') from {ops}.audit"));
    }

    [Theory]
    [InlineData("""{"eventTypes": ["order.created"]}""", "url", "url is required")]
    [InlineData("""{"url": "ftp://files.example.com/in"}""", "url", "scheme is 'ftp'")]
    [InlineData("""{"url": "hooks.example.com/in"}""", "url", "not an absolute URL")]
    [InlineData("""{"url": "http://169.254.169.254/latest/meta-data/"}""", "url", "169.254.169.254, a link-local address")]
    [InlineData("""{"url": "http://127.0.0.1:9/hook"}""", "url", "127.0.0.1, a loopback address")]
    [InlineData("""{"url": "http://[64:ff9b::a00:1]/hook"}""", "url", "a NAT64 address (64:ff9b::/96) of 10.0.0.1")]
    [InlineData("""{"url": "https://93.184.215.14/h", "eventTypes": ["order created"]}""", "eventTypes", "event type must be 1 to 200")]
    [InlineData("""{"url": "https://93.184.215.14/h", "secret": "whsec_x"}""", "secret", "not a field")]
    public async Task A_bad_endpoint_is_refused_with_400_naming_the_field(string json, string field, string message)
    {
        var response = await Api.PostJsonAsync("/api/v1/webhook-endpoints", json);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.ProblemAsync();
        Assert.Equal([field], problem.ErrorKeys());
        Assert.Contains(message, problem.Error(field));
        Assert.Equal(0, await Host.Schema.ScalarAsync<long>("select count(*) from {app}.webhook_endpoint"));
    }

    [Fact]
    public async Task Patching_changes_the_url_and_refuses_one_the_ssrf_guard_refuses_keeping_the_old()
    {
        var id = (await CreateAsync($$"""{"url": "{{PublicUrl}}"}""")).Id();

        var changed = await PatchAsync(Api, $"/api/v1/webhook-endpoints/{id}", """{"url": "https://93.184.215.14/hooks/v2", "eventTypes": []}""");
        var refused = await PatchAsync(Api, $"/api/v1/webhook-endpoints/{id}", """{"url": "http://10.0.0.1/hook"}""");
        var empty = await PatchAsync(Api, $"/api/v1/webhook-endpoints/{id}", "{}");
        var missing = await PatchAsync(Api, "/api/v1/webhook-endpoints/999999", """{"description": "x"}""");

        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        var body = await changed.JsonAsync();
        Assert.Equal("https://93.184.215.14/hooks/v2", body.GetProperty("url").GetString());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("eventTypes").ValueKind);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("10.0.0.1, a private address (10.0.0.0/8)", (await refused.ProblemAsync()).Error("url"));
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Equal(["$"], (await empty.ProblemAsync()).ErrorKeys());
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        var now = await (await Api.GetAsync($"/api/v1/webhook-endpoints/{id}")).JsonAsync();
        Assert.Equal("https://93.184.215.14/hooks/v2", now.GetProperty("url").GetString());
    }

    [Fact]
    public async Task Rotating_answers_a_new_secret_and_keeps_the_old_one_signing_for_the_overlap()
    {
        var created = await CreateAsync($$"""{"url": "{{PublicUrl}}"}""");

        var rotated = await Api.PostAsync($"/api/v1/webhook-endpoints/{created.Id()}/rotate-secret", null);
        var missing = await Api.PostAsync("/api/v1/webhook-endpoints/999999/rotate-secret", null);

        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        var body = await rotated.JsonAsync();
        Assert.StartsWith("whsec_", body.GetProperty("secret").GetString());
        Assert.NotEqual(created.GetProperty("secret").GetString(), body.GetProperty("secret").GetString());
        Assert.True(body.GetProperty("previousSecretExpiresAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddHours(23));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Disabling_and_enabling_switch_the_endpoint()
    {
        var id = (await CreateAsync($$"""{"url": "{{PublicUrl}}"}""")).Id();

        var disabled = await (await Api.PostAsync($"/api/v1/webhook-endpoints/{id}/disable", null)).JsonAsync();
        var enabled = await (await Api.PostAsync($"/api/v1/webhook-endpoints/{id}/enable", null)).JsonAsync();

        Assert.False(disabled.GetProperty("enabled").GetBoolean());
        Assert.Contains("disabled by ops-bot", disabled.GetProperty("disabledReason").GetString());
        Assert.True(enabled.GetProperty("enabled").GetBoolean());
        Assert.Equal(HttpStatusCode.NotFound, (await Api.PostAsync("/api/v1/webhook-endpoints/999999/disable", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Api.PostAsync("/api/v1/webhook-endpoints/999999/enable", null)).StatusCode);
    }

    [Fact]
    public async Task Deleting_cancels_its_queued_deliveries_with_the_reason()
    {
        var id = (await CreateAsync($$"""{"url": "{{PublicUrl}}"}""")).Id();
        var other = (await CreateAsync("""{"url": "https://93.184.215.14/hooks/other"}""")).Id();
        var published = await (await Api.PostJsonAsync("/api/v1/webhooks/messages", """{"eventType": "order.created", "payload": {"order": 7}}""")).JsonAsync();
        var jobs = published.GetProperty("deliveries").EnumerateArray()
            .ToDictionary(d => d.GetProperty("endpointId").GetInt64(), d => d.GetProperty("jobId").GetInt64());

        var deleted = await Api.DeleteAsync($"/api/v1/webhook-endpoints/{id}");

        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        Assert.Equal(1, (await deleted.JsonAsync()).GetProperty("cancelledDeliveries").GetInt32());
        var job = (await Host.Jobs.GetAsync(jobs[id]))!;
        Assert.Equal(JobState.Cancelled, job.State);
        Assert.Contains($"Webhook endpoint {id} was deleted by ops-bot", job.MetadataJson);
        Assert.Equal(JobState.Available, (await Host.Jobs.GetAsync(jobs[other]))!.State);
        Assert.Equal(HttpStatusCode.NotFound, (await Api.GetAsync($"/api/v1/webhook-endpoints/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Api.DeleteAsync($"/api/v1/webhook-endpoints/{id}")).StatusCode);
    }

    [Fact]
    public async Task Producer_keys_and_keys_outside_webhook_deliver_are_refused()
    {
        using var producer = Host.Client(await Host.CreateKeyAsync(ApiKeyRole.Producer, name: "producer"));
        using var scoped = Host.Client(await Host.CreateKeyAsync(ApiKeyRole.Operator, kinds: ["diag.noop"], name: "scoped"));

        Assert.Equal(HttpStatusCode.Forbidden, (await producer.GetAsync("/api/v1/webhook-endpoints")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await producer.PostJsonAsync("/api/v1/webhook-endpoints", $$"""{"url": "{{PublicUrl}}"}""")).StatusCode);
        var refused = await scoped.PostJsonAsync("/api/v1/webhook-endpoints", $$"""{"url": "{{PublicUrl}}"}""");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("webhook.deliver", (await refused.ProblemAsync()).GetProperty("detail").GetString());
        Assert.Equal(0, await Host.Schema.ScalarAsync<long>("select count(*) from {app}.webhook_endpoint"));
    }
}
