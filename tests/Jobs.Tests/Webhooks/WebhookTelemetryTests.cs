using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Jobs.Engine;
using Jobs.Engine.Client;
using Jobs.Engine.States;
using Jobs.Sandbox.Receiver;
using Jobs.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Jobs.Tests.Webhooks;

/// <summary>A delivery can be followed from the request that published it to the receiver's logs, and is counted.</summary>
public sealed class WebhookTelemetryTests : IAsyncLifetime
{
    private TestSchema _schema = null!;

    public async Task InitializeAsync() => _schema = await TestSchema.CreateAsync();

    public async Task DisposeAsync() => await _schema.DisposeAsync();

    [Fact]
    public async Task A_delivery_sends_the_correlation_id_and_trace_of_the_request_that_published_it()
    {
        using var caller = new ActivitySource("Jobs.Tests.Caller");
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is JobsTracing.SourceName or "Jobs.Tests.Caller",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        await using var hooks = await WebhookHarness.StartAsync(_schema);
        await hooks.Endpoints.CreateAsync(hooks.Url("traced"));

        ActivityTraceId traceId;
        Jobs.Webhooks.WebhookPublished published;
        using (var request = caller.StartActivity("POST /checkout")!)
        {
            traceId = request.TraceId;
            JobCorrelation.CurrentId = "checkout-7781";
            published = await hooks.Publisher.PublishAsync("order.paid", new { OrderId = 7781 });
            JobCorrelation.CurrentId = null;
        }
        var job = await hooks.FinishedAsync(Assert.Single(published.Deliveries).JobId, JobState.Succeeded);

        Assert.Equal("checkout-7781", job.CorrelationId);
        var received = Assert.Single(hooks.Receiver.Received("traced"));
        Assert.Equal("checkout-7781", received.Header("x-correlation-id"));
        // W3C traceparent: version-traceid-spanid-flags, in the trace the request started.
        Assert.Equal(traceId.ToHexString(), received.Header("traceparent")?.Split('-')[1]);
        Assert.Equal(published.MessageId, received.Id);
    }

    [Fact]
    public async Task Delivery_attempts_are_counted_by_outcome()
    {
        await using var hooks = await WebhookHarness.StartAsync(_schema);
        var counts = new ConcurrentDictionary<string, long>();
        using var meters = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == AppMetrics.MeterName && instrument.Name == "webhooks.deliveries" &&
                    ReferenceEquals(instrument.Meter.Scope, hooks.Engine.Services.GetRequiredService<IMeterFactory>()))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        meters.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "outcome")
                {
                    counts.AddOrUpdate((string)tag.Value!, value, (_, old) => old + value);
                }
            }
        });
        meters.Start();
        await hooks.Endpoints.CreateAsync(hooks.Url("flaky"));
        await hooks.Endpoints.CreateAsync(hooks.Url("gone"));
        hooks.Receiver.Script("flaky", new ReceiverReply(500), ReceiverReply.Ok);
        hooks.Receiver.Always("gone", new ReceiverReply(410));

        var published = await hooks.Publisher.PublishAsync("invoice.paid", new { InvoiceId = 1 });
        foreach (var delivery in published.Deliveries)
        {
            await Eventually.ReturnsAsync(async () => (await hooks.Client.GetAsync(delivery.JobId))!.State,
                s => s is JobState.Succeeded or JobState.Dead, $"job {delivery.JobId} to finish");
        }

        Assert.Equal(1, counts.GetValueOrDefault("delivered"));
        Assert.Equal(1, counts.GetValueOrDefault("failed"));
        Assert.Equal(1, counts.GetValueOrDefault("gone"));
    }
}
