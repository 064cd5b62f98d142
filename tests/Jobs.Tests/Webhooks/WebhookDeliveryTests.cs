using System.Text.Json;
using Jobs.Engine.States;
using Jobs.Sandbox.Receiver;
using Jobs.Testing;
using Jobs.Webhooks;

namespace Jobs.Tests.Webhooks;

/// <summary>Deliveries to a real receiver on loopback: signing, rotation, retries and the answers that end them.</summary>
public sealed class WebhookDeliveryTests : IAsyncLifetime
{
    private TestSchema _schema = null!;

    public async Task InitializeAsync() => _schema = await TestSchema.CreateAsync();

    public async Task DisposeAsync() => await _schema.DisposeAsync();

    [Fact]
    public async Task A_published_message_arrives_once_with_standard_webhooks_headers_that_verify()
    {
        await using var hooks = await WebhookHarness.StartAsync(_schema);
        var endpoint = await hooks.Endpoints.CreateAsync(hooks.Url("shop"));
        var before = DateTimeOffset.UtcNow;

        var published = await hooks.Publisher.PublishAsync("invoice.paid", new { InvoiceId = 42, Amount = 12.5m });
        await hooks.FinishedAsync(Assert.Single(published.Deliveries).JobId, JobState.Succeeded);

        var webhook = Assert.Single(hooks.Receiver.Received("shop"));
        Assert.Equal(published.MessageId, webhook.Id);
        Assert.StartsWith("msg_", webhook.Id);
        Assert.Equal("application/json; charset=utf-8", webhook.Header("content-type"));
        var sentAt = DateTimeOffset.FromUnixTimeSeconds(long.Parse(webhook.Timestamp!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.InRange(sentAt, before.AddSeconds(-1), DateTimeOffset.UtcNow.AddSeconds(1));
        Assert.Single(webhook.Signature!.Split(' '));
        // Checked by the StandardWebhooks package, not by our own verifier.
        Assert.Null(StandardWebhooksCheck.Refusal(endpoint.Secret, webhook.Id, webhook.Timestamp, webhook.Signature, webhook.Body));
        Assert.Equal("No matching signature found",
            StandardWebhooksCheck.Refusal(WebhookSecrets.Generate(), webhook.Id, webhook.Timestamp, webhook.Signature, webhook.Body));

        using var body = JsonDocument.Parse(webhook.Body);
        Assert.Equal("invoice.paid", body.RootElement.GetProperty("type").GetString());
        Assert.Equal(42, body.RootElement.GetProperty("data").GetProperty("invoiceId").GetInt32());
        Assert.True(body.RootElement.TryGetProperty("timestamp", out _));
        var delivery = await hooks.DeliveryAsync(published.MessageId, endpoint.EndpointId);
        Assert.Equal(("delivered", 1, 200), (delivery.Status, delivery.Attempts, delivery.LastStatusCode));
    }

    [Fact]
    public async Task Our_verifier_and_standard_webhooks_give_a_real_delivery_and_its_altered_copies_the_same_verdict()
    {
        await using var hooks = await WebhookHarness.StartAsync(_schema);
        var endpoint = await hooks.Endpoints.CreateAsync(hooks.Url("compare"));
        var published = await hooks.Publisher.PublishAsync("invoice.paid", new { InvoiceId = 7, Note = "überweisung" });
        await hooks.FinishedAsync(published.Deliveries[0].JobId, JobState.Succeeded);
        var w = Assert.Single(hooks.Receiver.Received("compare"));
        var (secret, id, timestamp, signature, body) = (endpoint.Secret, w.Id!, w.Timestamp!, w.Signature!, w.Body);
        var tampered = body.ToArray();
        tampered[^2] ^= 1;
        string At(TimeSpan offset) => DateTimeOffset.UtcNow.Add(offset).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        string SignedAt(string at) => StandardWebhooksCheck.Sign(secret, id, DateTimeOffset.FromUnixTimeSeconds(long.Parse(at, System.Globalization.CultureInfo.InvariantCulture)), body);
        var (stale, future, recent) = (At(TimeSpan.FromMinutes(-10)), At(TimeSpan.FromMinutes(10)), At(TimeSpan.FromMinutes(-2)));
        var other = StandardWebhooksCheck.Sign(WebhookSecrets.Generate(), id, DateTimeOffset.FromUnixTimeSeconds(long.Parse(timestamp, System.Globalization.CultureInfo.InvariantCulture)), body);
        var digest = signature["v1,".Length..];

        // (case, secret, id, timestamp, signature, body, our verdict, the library's verdict)
        var cases = new (string Case, string Secret, string? Id, string? Timestamp, string? Signature, byte[] Body, bool Ours, bool Library)[]
        {
            ("as delivered", secret, id, timestamp, signature, body, true, true),
            ("secret without whsec_", secret["whsec_".Length..], id, timestamp, signature, body, true, true),
            ("wrong secret", WebhookSecrets.Generate(), id, timestamp, signature, body, false, false),
            ("tampered body", secret, id, timestamp, signature, tampered, false, false),
            ("other message id", secret, "msg_other", timestamp, signature, body, false, false),
            ("timestamp changed, signature kept", secret, id, (long.Parse(timestamp, System.Globalization.CultureInfo.InvariantCulture) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), signature, body, false, false),
            ("signed 2 minutes ago", secret, id, recent, SignedAt(recent), body, true, true),
            ("signed 10 minutes ago", secret, id, stale, SignedAt(stale), body, false, false),
            ("signed 10 minutes ahead", secret, id, future, SignedAt(future), body, false, false),
            ("timestamp not a number", secret, id, "soon", signature, body, false, false),
            ("timestamp with a sign", secret, id, "+" + timestamp, signature, body, false, false),
            ("no webhook-id", secret, null, timestamp, signature, body, false, false),
            ("no webhook-timestamp", secret, id, null, signature, body, false, false),
            ("no webhook-signature", secret, id, timestamp, null, body, false, false),
            ("empty webhook-signature", secret, id, timestamp, "", body, false, false),
            ("v1a (asymmetric) only", secret, id, timestamp, "v1a," + digest, body, false, false),
            ("unknown version only", secret, id, timestamp, "v2," + digest, body, false, false),
            ("no version", secret, id, timestamp, digest, body, false, false),
            ("not base64", secret, id, timestamp, "v1,!!not-base64!!", body, false, false),
            ("ours, then another secret's", secret, id, timestamp, $"{signature} {other}", body, true, true),
            // The specification accepts a header when any signature matches. StandardWebhooks 1.1.2
            // compares only the first entry, so it refuses these two: the one difference.
            ("another secret's, then ours", secret, id, timestamp, $"{other} {signature}", body, true, false),
            ("v1a, then ours", secret, id, timestamp, $"v1a,{digest} {signature}", body, true, false),
        };

        Assert.All(cases, c =>
        {
            var ours = WebhookSignature.TryVerify(c.Secret, c.Id, c.Timestamp, c.Signature, c.Body, DateTimeOffset.UtcNow,
                WebhookSignature.DefaultTolerance, out var ourReason);
            var library = StandardWebhooksCheck.Refusal(c.Secret, c.Id, c.Timestamp, c.Signature, c.Body);
            Assert.True(ours == c.Ours, $"{c.Case}: our verifier {(ours ? "accepts" : "refuses: " + ourReason)}");
            Assert.True((library is null) == c.Library, $"{c.Case}: StandardWebhooks {library ?? "accepts"}");
        });
    }

    [Fact]
    public async Task Publishing_a_message_id_twice_delivers_it_once()
    {
        await using var hooks = await WebhookHarness.StartAsync(_schema);
        await hooks.Endpoints.CreateAsync(hooks.Url("once"));

        var first = await hooks.Publisher.PublishAsync("order.shipped", new { OrderId = 7 }, messageId: "order-7-shipped");
        await hooks.FinishedAsync(first.Deliveries[0].JobId, JobState.Succeeded);
        var second = await hooks.Publisher.PublishAsync("order.shipped", new { OrderId = 7 }, messageId: "order-7-shipped");
        // From SQL too: the same id changes nothing.
        await _schema.ExecuteAsync("select {app}.webhook_publish('order.shipped', '{\"orderId\": 7}', 'order-7-shipped', engine_schema => '{s}')");

        Assert.True(first.Created);
        Assert.False(second.Created);
        Assert.Equal(first.Deliveries, second.Deliveries);
        Assert.Equal(1, await _schema.ScalarAsync<long>("select count(*) from {s}.job where kind = 'webhook.deliver'"));
        Assert.Single(hooks.Receiver.Received("once"));
    }

    [Fact]
    public async Task A_message_goes_to_every_enabled_endpoint_subscribed_to_its_type_also_when_published_from_sql()
    {
        await using var hooks = await WebhookHarness.StartAsync(_schema);
        await hooks.Endpoints.CreateAsync(hooks.Url("all"));
        await hooks.Endpoints.CreateAsync(hooks.Url("paid"), eventTypes: ["invoice.paid", "invoice.voided"]);
        await hooks.Endpoints.CreateAsync(hooks.Url("orders"), eventTypes: ["order.created"]);
        var off = await hooks.Endpoints.CreateAsync(hooks.Url("off"));
        await hooks.Endpoints.DisableAsync(off.EndpointId, "paused by the test");

        var messageId = await _schema.ScalarAsync<string>(
            "select {app}.webhook_publish('invoice.paid', '{\"invoiceId\": 9}', engine_schema => '{s}')");
        var jobs = await _schema.QueryAsync<long>("select id from {s}.job where kind = 'webhook.deliver'");
        foreach (var job in jobs)
        {
            await hooks.FinishedAsync(job, JobState.Succeeded);
        }

        Assert.Equal(2, jobs.Count);
        Assert.Equal(messageId, Assert.Single(hooks.Receiver.Received("all")).Id);
        Assert.Equal(messageId, Assert.Single(hooks.Receiver.Received("paid")).Id);
        Assert.Empty(hooks.Receiver.Received("orders"));
        Assert.Empty(hooks.Receiver.Received("off"));
    }

    [Fact]
    public async Task During_a_secret_rotation_both_secrets_sign_and_each_signature_verifies()
    {
        await using var hooks = await WebhookHarness.StartAsync(_schema);
        var original = await hooks.Endpoints.CreateAsync(hooks.Url("rotating"));
        var rotated = await hooks.Endpoints.RotateSecretAsync(original.EndpointId, overlap: TimeSpan.FromHours(1));

        var during = await hooks.Publisher.PublishAsync("invoice.paid", new { InvoiceId = 1 });
        await hooks.FinishedAsync(during.Deliveries[0].JobId, JobState.Succeeded);
        // A rotation with no overlap drops the old secret at once.
        var final = await hooks.Endpoints.RotateSecretAsync(original.EndpointId, overlap: TimeSpan.Zero);
        var after = await hooks.Publisher.PublishAsync("invoice.paid", new { InvoiceId = 2 });
        await hooks.FinishedAsync(after.Deliveries[0].JobId, JobState.Succeeded);

        var received = hooks.Receiver.Received("rotating");
        Assert.NotEqual(original.Secret, rotated.Secret);
        Assert.Equal(2, received[0].Signature!.Split(' ').Length);
        // The new secret's signature comes first, so a receiver on StandardWebhooks with the new
        // secret accepts the header as sent; with the old one, its signature verifies alone.
        Assert.True(StandardWebhooksCheck.Accepts(rotated.Secret, received[0]));
        Assert.True(StandardWebhooksCheck.AcceptsAnySignature(original.Secret, received[0]));
        Assert.Single(received[1].Signature!.Split(' '));
        Assert.True(StandardWebhooksCheck.Accepts(final.Secret, received[1]));
        Assert.False(StandardWebhooksCheck.AcceptsAnySignature(rotated.Secret, received[1]));
        Assert.False(StandardWebhooksCheck.AcceptsAnySignature(original.Secret, received[1]));
    }

    [Fact]
    public async Task A_failing_endpoint_is_retried_with_the_same_id_until_it_answers_2xx()
    {
        await using var hooks = await WebhookHarness.StartAsync(_schema);
        var endpoint = await hooks.Endpoints.CreateAsync(hooks.Url("flaky"));
        hooks.Receiver.Script("flaky", new ReceiverReply(500), new ReceiverReply(502), ReceiverReply.Ok);

        var published = await hooks.Publisher.PublishAsync("invoice.paid", new { InvoiceId = 3 });
        var job = await hooks.FinishedAsync(published.Deliveries[0].JobId, JobState.Succeeded);

        Assert.Equal(3, job.Attempt);
        Assert.Equal(["HTTP 500: receiver flaky answers 500", "HTTP 502: receiver flaky answers 502"], job.Errors.Select(e => e.Error));
        var received = hooks.Receiver.Received("flaky");
        Assert.Equal(3, received.Count);
        Assert.All(received, w => Assert.Equal(published.MessageId, w.Id));
        Assert.All(received, w => Assert.True(StandardWebhooksCheck.Accepts(endpoint.Secret, w)));
        var delivery = await hooks.DeliveryAsync(published.MessageId, endpoint.EndpointId);
        Assert.Equal(("delivered", 3), (delivery.Status, delivery.Attempts));
        Assert.Equal(["failed", "failed", "delivered"], await _schema.QueryAsync<string>(
            "select outcome from {app}.webhook_attempt where message_id = @id order by attempt", new { id = published.MessageId }));
        var stats = await hooks.Endpoints.GetStatsAsync(endpoint.EndpointId, DateTimeOffset.UtcNow.AddHours(-1));
        Assert.Equal((3, 1), (stats.Attempts, stats.Delivered));
        Assert.Equal("HTTP 502: receiver flaky answers 502", stats.LastError);
        Assert.Null((await hooks.Endpoints.GetAsync(endpoint.EndpointId))!.FailingSince);
    }

    [Fact]
    public async Task A_410_disables_the_endpoint_and_ends_its_waiting_deliveries_without_calling_it()
    {
        // Retries wait a minute: the deliveries that failed once are still waiting when the 410 comes.
        await using var hooks = await WebhookHarness.StartAsync(_schema, retryDelay: TimeSpan.FromMinutes(1));
        var endpoint = await hooks.Endpoints.CreateAsync(hooks.Url("leaving"));
        hooks.Receiver.Always("leaving", new ReceiverReply(500));
        var waiting = new[]
        {
            await hooks.Publisher.PublishAsync("invoice.paid", new { InvoiceId = 1 }),
            await hooks.Publisher.PublishAsync("invoice.paid", new { InvoiceId = 2 }),
        };
        foreach (var message in waiting)
        {
            await hooks.FinishedAsync(message.Deliveries[0].JobId, JobState.Retrying);
        }

        hooks.Receiver.Always("leaving", new ReceiverReply(410));
        var gone = await hooks.Publisher.PublishAsync("invoice.paid", new { InvoiceId = 3 });
        var goneJob = await hooks.FinishedAsync(gone.Deliveries[0].JobId, JobState.Dead);

        Assert.Equal(1, goneJob.Attempt);
        Assert.Contains("410 Gone", goneJob.Errors[^1].Error);
        var disabled = (await hooks.Endpoints.GetAsync(endpoint.EndpointId))!;
        Assert.False(disabled.Enabled);
        Assert.Contains("410 Gone", disabled.DisabledReason);
        foreach (var message in waiting)
        {
            var job = await hooks.FinishedAsync(message.Deliveries[0].JobId, JobState.Dead, TimeSpan.FromSeconds(20));
            Assert.Contains("is disabled", job.Errors[^1].Error);
            Assert.Equal("failed", (await hooks.DeliveryAsync(message.MessageId, endpoint.EndpointId)).Status);
        }
        // One request per message: the waiting deliveries ended without one more.
        Assert.Equal(3, hooks.Receiver.Received("leaving").Count);
        var later = await hooks.Publisher.PublishAsync("invoice.paid", new { InvoiceId = 4 });
        Assert.Empty(later.Deliveries);
    }

    [Fact]
    public async Task A_429_with_retry_after_holds_the_next_attempt_back_at_least_that_long()
    {
        await using var hooks = await WebhookHarness.StartAsync(_schema, retryDelay: TimeSpan.FromMilliseconds(50));
        await hooks.Endpoints.CreateAsync(hooks.Url("busy"));
        hooks.Receiver.Script("busy", new ReceiverReply(429, RetryAfter: "2"), ReceiverReply.Ok);

        var published = await hooks.Publisher.PublishAsync("invoice.paid", new { InvoiceId = 5 });
        var job = await hooks.FinishedAsync(published.Deliveries[0].JobId, JobState.Succeeded);

        var received = hooks.Receiver.Received("busy");
        Assert.Equal(2, received.Count);
        Assert.True(received[1].At - received[0].At >= TimeSpan.FromSeconds(2),
            $"the second attempt came {(received[1].At - received[0].At).TotalMilliseconds} ms after the 429");
        Assert.Equal(typeof(Engine.Handlers.RetryJobException).FullName, Assert.Single(job.Errors).Type);
    }

    [Fact]
    public async Task A_503_with_retry_after_as_an_http_date_holds_the_next_attempt_back()
    {
        await using var hooks = await WebhookHarness.StartAsync(_schema, retryDelay: TimeSpan.FromMilliseconds(50));
        await hooks.Endpoints.CreateAsync(hooks.Url("maintenance"));
        var until = DateTimeOffset.UtcNow.AddSeconds(3);
        hooks.Receiver.Script("maintenance", new ReceiverReply(503, RetryAfter: until.ToString("R")), ReceiverReply.Ok);

        var published = await hooks.Publisher.PublishAsync("invoice.paid", new { InvoiceId = 6 });
        await hooks.FinishedAsync(published.Deliveries[0].JobId, JobState.Succeeded);

        var received = hooks.Receiver.Received("maintenance");
        Assert.Equal(2, received.Count);
        // The date has whole seconds: the wait ends no earlier than the second it names.
        Assert.True(received[1].At >= until.AddSeconds(-1), $"the second attempt came at {received[1].At:O}, before {until:R}");
    }

    [Fact]
    public async Task A_redirect_is_a_failed_attempt_and_is_not_followed()
    {
        await using var hooks = await WebhookHarness.StartAsync(_schema, new() { ["Jobs:Kinds:webhook.deliver:MaxAttempts"] = "2" });
        var endpoint = await hooks.Endpoints.CreateAsync(hooks.Url("moved"));
        hooks.Receiver.Always("moved", new ReceiverReply(307, Location: hooks.Url("elsewhere")));

        var published = await hooks.Publisher.PublishAsync("invoice.paid", new { InvoiceId = 7 });
        var job = await hooks.FinishedAsync(published.Deliveries[0].JobId, JobState.Dead);

        Assert.Equal(2, job.Attempt);
        Assert.All(job.Errors, e => Assert.Contains("redirects are not followed", e.Error));
        Assert.Equal(2, hooks.Receiver.Received("moved").Count);
        Assert.Empty(hooks.Receiver.Received("elsewhere"));
        var delivery = await hooks.DeliveryAsync(published.MessageId, endpoint.EndpointId);
        Assert.Equal(("failed", 2, 307), (delivery.Status, delivery.Attempts, delivery.LastStatusCode));
    }

    [Fact]
    public async Task A_receiver_slower_than_the_timeout_fails_the_attempt()
    {
        await using var hooks = await WebhookHarness.StartAsync(_schema, new()
        {
            ["App:Webhooks:Timeout"] = "00:00:00.300",
            ["Jobs:Kinds:webhook.deliver:MaxAttempts"] = "2",
        });
        var endpoint = await hooks.Endpoints.CreateAsync(hooks.Url("sleepy"));
        hooks.Receiver.Script("sleepy", new ReceiverReply(200, Delay: TimeSpan.FromSeconds(20)), ReceiverReply.Ok);

        var published = await hooks.Publisher.PublishAsync("invoice.paid", new { InvoiceId = 8 });
        var job = await hooks.FinishedAsync(published.Deliveries[0].JobId, JobState.Succeeded);

        Assert.Equal(2, job.Attempt);
        Assert.Equal("No response within 0.3 s (App:Webhooks:Timeout).", Assert.Single(job.Errors).Error);
        var attempts = await _schema.QueryAsync<double>(
            "select latency_ms from {app}.webhook_attempt where message_id = @id and outcome = 'failed'", new { id = published.MessageId });
        // About the timeout, not the 20 s the receiver would take. (Timers run on a coarse clock and
        // may fire a few milliseconds before a stopwatch says the timeout has passed.)
        Assert.InRange(Assert.Single(attempts), 250, 20_000);
        Assert.Equal("delivered", (await hooks.DeliveryAsync(published.MessageId, endpoint.EndpointId)).Status);
    }

    [Fact]
    public async Task An_open_circuit_breaker_defers_attempts_without_calling_the_endpoint()
    {
        await using var hooks = await WebhookHarness.StartAsync(_schema, new()
        {
            ["App:Webhooks:BreakerMinimumThroughput"] = "2",
            ["App:Webhooks:BreakDuration"] = "00:00:05",
        });
        await hooks.Endpoints.CreateAsync(hooks.Url("down"));
        hooks.Receiver.Always("down", new ReceiverReply(500));

        var published = await hooks.Publisher.PublishAsync("invoice.paid", new { InvoiceId = 9 });
        var job = await Eventually.ReturnsAsync(async () => (await hooks.Client.GetAsync(published.Deliveries[0].JobId))!,
            j => j.Errors.Any(e => e.Error.Contains("circuit breaker is open", StringComparison.Ordinal)), "an attempt refused by the breaker");

        // Two calls tripped the breaker; the third attempt made none and waits out the break.
        Assert.Equal(2, hooks.Receiver.Received("down").Count);
        var refused = job.Errors[^1];
        Assert.Equal(typeof(Engine.Handlers.RetryJobException).FullName, refused.Type);
        Assert.True(job.ScheduledAt - refused.At >= TimeSpan.FromSeconds(4), $"next attempt at {job.ScheduledAt:O}, refused at {refused.At:O}");
    }

    [Fact]
    public async Task An_open_breaker_holds_back_only_its_own_endpoint_not_another_on_the_same_host()
    {
        await using var hooks = await WebhookHarness.StartAsync(_schema, new()
        {
            ["App:Webhooks:BreakerMinimumThroughput"] = "2",
            ["App:Webhooks:BreakDuration"] = "00:01:00",
        });
        var down = await hooks.Endpoints.CreateAsync(hooks.Url("broken"), ["invoice.failed"]);
        await hooks.Endpoints.CreateAsync(hooks.Url("healthy"), ["invoice.paid"]);
        hooks.Receiver.Always("broken", new ReceiverReply(500));

        var failing = await hooks.Publisher.PublishAsync("invoice.failed", new { InvoiceId = 10 });
        await Eventually.ReturnsAsync(async () => (await hooks.Client.GetAsync(failing.Deliveries[0].JobId))!,
            j => j.Errors.Any(e => e.Error.Contains("circuit breaker is open", StringComparison.Ordinal)), "the broken endpoint's breaker to open");
        var fine = await hooks.Publisher.PublishAsync("invoice.paid", new { InvoiceId = 11 });
        await hooks.FinishedAsync(fine.Deliveries[0].JobId, JobState.Succeeded);

        // Both receivers listen on one host and port; only the failing endpoint's breaker is open.
        Assert.Equal(new Uri(hooks.Url("broken")).Authority, new Uri(hooks.Url("healthy")).Authority);
        Assert.Single(hooks.Receiver.Received("healthy"));
        Assert.Equal(2, hooks.Receiver.Received("broken").Count);
        Assert.Equal("delivered", (await hooks.DeliveryAsync(fine.MessageId, fine.Deliveries[0].EndpointId)).Status);
        Assert.NotEqual(down.EndpointId, fine.Deliveries[0].EndpointId);
    }
}
