using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Jobs.Sandbox.Gateway;
using Jobs.Tests.Support;

namespace Jobs.Tests.Payments;

/// <summary>The sandbox gateway keeps Stripe's contract, over raw HTTP: what the capture job (and scripts) rely on.</summary>
public sealed class GatewaySandboxTests : IAsyncLifetime
{
    private SandboxHost _sandbox = null!;
    private HttpClient _http = null!;

    private GatewayState Gateway => _sandbox.Get<GatewayState>();

    public async Task InitializeAsync()
    {
        _sandbox = await SandboxHost.StartAsync();
        _http = new HttpClient { BaseAddress = new Uri(_sandbox.BaseUri, "gateway/") };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _sandbox.DisposeAsync();
    }

    private Task<HttpResponseMessage> PostAsync(string path, string? key, params (string Name, string Value)[] form)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new FormUrlEncodedContent(form.Select(f => new KeyValuePair<string, string>(f.Name, f.Value))),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "sk_test_sandbox");
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }
        return _http.SendAsync(request);
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    [Fact]
    public async Task An_intent_created_over_http_is_captured_once_and_the_same_request_is_replayed()
    {
        var created = await JsonAsync(await PostAsync("v1/payment_intents", null, ("amount", "1000"), ("currency", "usd"), ("capture_method", "manual")));
        var id = created.GetProperty("id").GetString()!;
        Assert.Equal("requires_capture", created.GetProperty("status").GetString());

        using var first = await PostAsync($"v1/payment_intents/{id}/capture", "key-1", ("amount_to_capture", "700"));
        using var again = await PostAsync($"v1/payment_intents/{id}/capture", "key-1", ("amount_to_capture", "700"));
        using var otherAmount = await PostAsync($"v1/payment_intents/{id}/capture", "key-1", ("amount_to_capture", "900"));
        using var otherKey = await PostAsync($"v1/payment_intents/{id}/capture", "key-2", ("amount_to_capture", "700"));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(700, (await JsonAsync(first)).GetProperty("amount_received").GetInt64());
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(await first.Content.ReadAsStringAsync(), await again.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, otherAmount.StatusCode);
        Assert.Equal("idempotency_error", (await JsonAsync(otherAmount)).GetProperty("error").GetProperty("type").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, otherKey.StatusCode);
        Assert.Equal("payment_intent_unexpected_state", (await JsonAsync(otherKey)).GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(1, Gateway.CaptureCount(id));
    }

    [Fact]
    public async Task A_key_whose_first_request_is_still_running_answers_409_then_replays_once_it_finished()
    {
        var intent = Gateway.CreateIntent(500);
        Gateway.Script(new GatewayFault { Kind = GatewayFaultKind.StallBeforeCommit, Stall = TimeSpan.FromSeconds(1) });
        var slow = PostAsync($"v1/payment_intents/{intent.Id}/capture", "key-s", ("amount_to_capture", "500"));
        await Jobs.Testing.Eventually.TrueAsync(() => Task.FromResult(Gateway.PendingFaults == 0), "the slow request to be held");

        using var meanwhile = await PostAsync($"v1/payment_intents/{intent.Id}/capture", "key-s", ("amount_to_capture", "500"));
        using var first = await slow;
        using var after = await PostAsync($"v1/payment_intents/{intent.Id}/capture", "key-s", ("amount_to_capture", "500"));

        Assert.Equal(HttpStatusCode.Conflict, meanwhile.StatusCode);
        Assert.Equal("idempotency_key_in_use", (await JsonAsync(meanwhile)).GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Equal("true", after.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(1, Gateway.CaptureCount(intent.Id));
    }

    [Fact]
    public async Task Errors_have_stripes_shape_and_headers()
    {
        var intent = Gateway.CreateIntent(500);
        Gateway.Script(new GatewayFault { Kind = GatewayFaultKind.RateLimit, RetryAfter = TimeSpan.FromSeconds(3) });
        Gateway.Script(new GatewayFault { Kind = GatewayFaultKind.ServerError, ShouldRetry = true });
        Gateway.Script(new GatewayFault { Kind = GatewayFaultKind.Conflict });
        Gateway.Script(new GatewayFault { Kind = GatewayFaultKind.Decline, DeclineCode = "expired_card" });

        using var limited = await PostAsync($"v1/payment_intents/{intent.Id}/capture", "k", ("amount_to_capture", "500"));
        using var failed = await PostAsync($"v1/payment_intents/{intent.Id}/capture", "k", ("amount_to_capture", "500"));
        using var conflict = await PostAsync($"v1/payment_intents/{intent.Id}/capture", "k", ("amount_to_capture", "500"));
        using var declined = await PostAsync($"v1/payment_intents/{intent.Id}/capture", "k", ("amount_to_capture", "500"));
        using var declinedAgain = await PostAsync($"v1/payment_intents/{intent.Id}/capture", "k", ("amount_to_capture", "500"));
        using var anonymous = await _http.GetAsync($"v1/payment_intents/{intent.Id}");

        Assert.Equal((HttpStatusCode)429, limited.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(3), limited.Headers.RetryAfter!.Delta);
        Assert.Equal("rate_limit", (await JsonAsync(limited)).GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        Assert.Equal("true", failed.Headers.GetValues("Stripe-Should-Retry").Single());
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        // Refusals before execution are not saved; a decline is, and replays.
        Assert.Equal(HttpStatusCode.PaymentRequired, declined.StatusCode);
        var error = (await JsonAsync(declined)).GetProperty("error");
        Assert.Equal(("card_error", "card_declined", "expired_card"),
            (error.GetProperty("type").GetString(), error.GetProperty("code").GetString(), error.GetProperty("decline_code").GetString()));
        Assert.Equal(HttpStatusCode.PaymentRequired, declinedAgain.StatusCode);
        Assert.True(declinedAgain.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(0, Gateway.CaptureCount(intent.Id));
    }
}
