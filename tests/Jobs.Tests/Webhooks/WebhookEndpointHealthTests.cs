using Jobs.Engine.States;
using Jobs.Sandbox.Receiver;
using Jobs.Testing;

namespace Jobs.Tests.Webhooks;

/// <summary>Endpoints that are slow or keep failing: isolation, automatic disabling, and the operator's way back.</summary>
public sealed class WebhookEndpointHealthTests : IAsyncLifetime
{
    private TestSchema _schema = null!;

    public async Task InitializeAsync() => _schema = await TestSchema.CreateAsync();

    public async Task DisposeAsync() => await _schema.DisposeAsync();

    [Fact]
    public async Task A_slow_endpoint_holds_only_its_partition_limit_of_workers_and_a_healthy_one_keeps_delivering()
    {
        await using var hooks = await WebhookHarness.StartAsync(_schema, new()
        {
            ["Jobs:Server:Queues:webhooks"] = "4",
            ["Jobs:Kinds:webhook.deliver:PartitionLimit"] = "2",
            ["App:Webhooks:Timeout"] = "00:00:30",
        });
        await hooks.Endpoints.CreateAsync(hooks.Url("slow"), eventTypes: ["report.ready"]);
        await hooks.Endpoints.CreateAsync(hooks.Url("healthy"), eventTypes: ["invoice.paid"]);
        hooks.Receiver.Hold("slow");
        var slowJobs = new List<long>();
        for (var i = 0; i < 6; i++)
        {
            slowJobs.Add((await hooks.Publisher.PublishAsync("report.ready", new { Report = i })).Deliveries[0].JobId);
        }
        await Eventually.TrueAsync(() => Task.FromResult(hooks.Receiver.InFlight("slow") == 2), "the slow endpoint to hold two requests");

        var healthyJobs = new List<long>();
        for (var i = 0; i < 10; i++)
        {
            healthyJobs.Add((await hooks.Publisher.PublishAsync("invoice.paid", new { InvoiceId = i })).Deliveries[0].JobId);
        }
        foreach (var job in healthyJobs)
        {
            await hooks.FinishedAsync(job, JobState.Succeeded);
        }

        // Every healthy delivery finished while the slow endpoint still held its two, and no more.
        Assert.Equal(10, hooks.Receiver.Received("healthy").Count);
        Assert.Equal(2, hooks.Receiver.InFlight("slow"));
        Assert.Equal(2, hooks.Receiver.Received("slow").Count);

        hooks.Receiver.Release("slow");
        foreach (var job in slowJobs)
        {
            await hooks.FinishedAsync(job, JobState.Succeeded);
        }
        Assert.Equal(2, hooks.Receiver.MaxInFlight("slow"));
    }

    [Fact]
    public async Task An_endpoint_failing_longer_than_the_limit_is_disabled_until_an_operator_enables_it_and_requeues()
    {
        await using var hooks = await WebhookHarness.StartAsync(_schema, new()
        {
            ["App:Webhooks:DisableAfter"] = "00:00:01",
            ["Jobs:Kinds:webhook.deliver:MaxAttempts"] = "1000",
        }, retryDelay: TimeSpan.FromMilliseconds(200));
        var endpoint = await hooks.Endpoints.CreateAsync(hooks.Url("broken"));
        hooks.Receiver.Always("broken", new ReceiverReply(500));

        var published = await hooks.Publisher.PublishAsync("invoice.paid", new { InvoiceId = 1 });
        var job = await hooks.FinishedAsync(published.Deliveries[0].JobId, JobState.Dead);

        Assert.True(job.Attempt > 2, $"dead after {job.Attempt} attempts");
        Assert.Contains("is disabled: it has failed since", job.Errors[^1].Error);
        var disabled = (await hooks.Endpoints.GetAsync(endpoint.EndpointId))!;
        Assert.False(disabled.Enabled);
        Assert.StartsWith("Every attempt failed since", disabled.DisabledReason);
        Assert.Contains("HTTP 500", disabled.DisabledReason);
        var calls = hooks.Receiver.Received("broken").Count;
        Assert.Equal(job.Attempt, calls);
        // Disabled: requeueing is refused, and new messages are not enqueued for it.
        await Assert.ThrowsAsync<InvalidOperationException>(() => hooks.Endpoints.RequeueDeliveryAsync(published.MessageId, endpoint.EndpointId));
        Assert.Empty((await hooks.Publisher.PublishAsync("invoice.paid", new { InvoiceId = 2 })).Deliveries);

        hooks.Receiver.Always("broken", ReceiverReply.Ok);
        Assert.True(await hooks.Endpoints.EnableAsync(endpoint.EndpointId));
        Assert.True(await hooks.Endpoints.RequeueDeliveryAsync(published.MessageId, endpoint.EndpointId));
        await hooks.FinishedAsync(published.Deliveries[0].JobId, JobState.Succeeded);

        Assert.Equal(calls + 1, hooks.Receiver.Received("broken").Count);
        var enabled = (await hooks.Endpoints.GetAsync(endpoint.EndpointId))!;
        Assert.True(enabled.Enabled);
        Assert.Null(enabled.DisabledReason);
        Assert.Null(enabled.FailingSince);
        Assert.Equal("delivered", (await hooks.DeliveryAsync(published.MessageId, endpoint.EndpointId)).Status);
    }

    [Fact]
    public async Task An_operator_requeues_the_deliveries_to_an_endpoint_that_failed_since_a_time()
    {
        await using var hooks = await WebhookHarness.StartAsync(_schema, new() { ["Jobs:Kinds:webhook.deliver:MaxAttempts"] = "1" });
        var endpoint = await hooks.Endpoints.CreateAsync(hooks.Url("outage"), eventTypes: ["invoice.paid"]);
        await hooks.Endpoints.CreateAsync(hooks.Url("other"), eventTypes: ["order.created"]);
        hooks.Receiver.Always("outage", new ReceiverReply(503));
        hooks.Receiver.Always("other", new ReceiverReply(500));
        var before = await hooks.Publisher.PublishAsync("invoice.paid", new { InvoiceId = 1 });
        await hooks.FinishedAsync(before.Deliveries[0].JobId, JobState.Dead);
        var otherJob = (await hooks.Publisher.PublishAsync("order.created", new { OrderId = 1 })).Deliveries[0].JobId;
        await hooks.FinishedAsync(otherJob, JobState.Dead);

        var since = await _schema.ScalarAsync<DateTime>("select now()");
        var during = new[]
        {
            await hooks.Publisher.PublishAsync("invoice.paid", new { InvoiceId = 2 }),
            await hooks.Publisher.PublishAsync("invoice.paid", new { InvoiceId = 3 }),
        };
        foreach (var message in during)
        {
            await hooks.FinishedAsync(message.Deliveries[0].JobId, JobState.Dead);
        }
        hooks.Receiver.Always("outage", ReceiverReply.Ok);

        var requeued = await hooks.Endpoints.RequeueFailedAsync(endpoint.EndpointId, new DateTimeOffset(since, TimeSpan.Zero));

        Assert.Equal(2, requeued);
        foreach (var message in during)
        {
            await hooks.FinishedAsync(message.Deliveries[0].JobId, JobState.Succeeded);
            Assert.Equal("delivered", (await hooks.DeliveryAsync(message.MessageId, endpoint.EndpointId)).Status);
        }
        Assert.Equal(JobState.Dead, (await hooks.Client.GetAsync(before.Deliveries[0].JobId))!.State);
        Assert.Equal(JobState.Dead, (await hooks.Client.GetAsync(otherJob))!.State);
        var delivered = hooks.Receiver.Received("outage").Skip(3).Select(w => w.Id).Order().ToList();
        Assert.Equal(during.Select(m => m.MessageId).Order(), delivered);
        Assert.Equal(1, await _schema.ScalarAsync<long>("select count(*) from {app}.webhook_delivery where endpoint_id = @id and status = 'failed'",
            new { id = endpoint.EndpointId }));
    }
}
