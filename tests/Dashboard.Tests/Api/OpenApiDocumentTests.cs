using System.Net;

namespace Jobs.Dashboard.Tests.Api;

public sealed class OpenApiDocumentTests : IAsyncLifetime
{
    private ApiHost _host = null!;

    public async Task InitializeAsync() => _host = await ApiHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task The_document_describes_every_route_and_the_bearer_scheme()
    {
        using var api = _host.Client(await _host.CreateKeyAsync(global::Jobs.Operators.ApiKeyRole.Producer));

        var response = await api.GetAsync("/openapi/v1.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var document = await response.JsonAsync();
        var routes = document.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(method => $"{method.Name.ToUpperInvariant()} {path.Name}"))
            .Order(StringComparer.Ordinal).ToList();
        Assert.Equal(
        [
            "DELETE /api/v1/jobs/{id}",
            "DELETE /api/v1/schedules/{name}",
            "DELETE /api/v1/webhook-endpoints/{id}",
            "GET /api/v1/jobs",
            "GET /api/v1/jobs/{id}",
            "GET /api/v1/schedules",
            "GET /api/v1/schedules/{name}",
            "GET /api/v1/webhook-endpoints",
            "GET /api/v1/webhook-endpoints/{id}",
            "PATCH /api/v1/schedules/{name}",
            "PATCH /api/v1/webhook-endpoints/{id}",
            "POST /api/v1/jobs",
            "POST /api/v1/jobs/batch",
            "POST /api/v1/jobs/requeue",
            "POST /api/v1/jobs/{id}/cancel",
            "POST /api/v1/jobs/{id}/retry",
            "POST /api/v1/schedules",
            "POST /api/v1/schedules/{name}/pause",
            "POST /api/v1/schedules/{name}/resume",
            "POST /api/v1/schedules/{name}/trigger",
            "POST /api/v1/webhook-endpoints",
            "POST /api/v1/webhook-endpoints/{id}/disable",
            "POST /api/v1/webhook-endpoints/{id}/enable",
            "POST /api/v1/webhook-endpoints/{id}/rotate-secret",
            "POST /api/v1/webhooks/messages",
        ], routes);
        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("ApiKey");
        Assert.Equal("http", scheme.GetProperty("type").GetString());
        Assert.Equal("bearer", scheme.GetProperty("scheme").GetString());
        Assert.True(document.GetProperty("security")[0].TryGetProperty("ApiKey", out _));

        var enqueue = document.GetProperty("paths").GetProperty("/api/v1/jobs").GetProperty("post");
        Assert.EndsWith("EnqueueJobRequest", enqueue.GetProperty("requestBody").GetProperty("content").GetProperty("application/json")
            .GetProperty("schema").GetProperty("$ref").GetString());
        Assert.Equal(["X-Correlation-ID", "Idempotency-Key"], enqueue.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()));
        var responses = enqueue.GetProperty("responses").EnumerateObject().Select(r => r.Name).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["200", "201", "400", "401", "403", "409", "413", "415"], responses);
        var schemas = document.GetProperty("components").GetProperty("schemas");
        foreach (var shape in new[] { "EnqueuedJobResponse", "BatchEnqueueResponse", "JobResponse", "JobListResponse", "JobFilterRequest", "RequeueResponse" })
        {
            Assert.True(schemas.TryGetProperty(shape, out _), shape);
        }
        Assert.True(schemas.GetProperty("EnqueueJobRequest").GetProperty("properties").TryGetProperty("idempotencyKey", out _));
    }

    [Fact]
    public async Task The_document_needs_a_key_or_a_signed_in_operator()
    {
        using var anonymous = _host.Anonymous();
        using var wrongKey = _host.Client("jobs_000000000000_not-a-real-key");

        var none = await anonymous.GetAsync("/openapi/v1.json");
        var wrong = await wrongKey.GetAsync("/openapi/v1.json");

        Assert.Equal(HttpStatusCode.Redirect, none.StatusCode);
        Assert.StartsWith("/login", none.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
    }
}
