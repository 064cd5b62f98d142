using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.Json;
using Jobs.Engine.Client;
using Jobs.Engine.States;
using Jobs.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Jobs.Engine.Tests.Monitoring;

/// <summary>What the engine tells metrics and tracing backends: counts by kind and queue, and one trace from enqueue to every attempt.</summary>
public sealed class TelemetryTests : IAsyncLifetime
{
    private readonly Probe _probe = new();
    private TestSchema _schema = null!;

    public async Task InitializeAsync() => _schema = await TestSchema.CreateAsync();

    public async Task DisposeAsync() => await _schema.DisposeAsync();

    private Task<TestEngine> StartAsync() =>
        TestEngine.StartAsync(_schema, jobs => jobs.AddTestHandlers(fail: o =>
            {
                o.MaxAttempts = 2;
                o.Retry = new Handlers.RetryOptions { BaseDelay = TimeSpan.FromMilliseconds(50), Jitter = 0 };
            }, hold: o => o.Queue = "held"),
            services: s => s.AddSingleton(_probe));

    private static Task<JobInfo> FinishedAsync(TestEngine engine, long id, JobState state) =>
        Eventually.ReturnsAsync(async () => (await engine.Client.GetAsync(id))!, j => j.State == state, $"job {id} to be {state}");

    [Fact]
    public async Task Counters_count_attempts_by_outcome_with_kind_and_queue()
    {
        await using var engine = await StartAsync();
        using var recorded = new RecordedMeasurements(engine.Services.GetRequiredService<IMeterFactory>());

        var succeeded = await engine.Client.EnqueueManyAsync([JobRequest.Create(new RecordArgs("a")), JobRequest.Create(new RecordArgs("b"))]);
        var dead = await engine.Client.EnqueueAsync(new FailArgs("plain"));
        // Queues nobody serves here: the one an enqueue names, and the one a kind's policy names.
        await engine.Client.EnqueueAsync(new RecordArgs("c"), new EnqueueOptions { Queue = "elsewhere" });
        await engine.Client.EnqueueAsync(new HoldArgs(1));
        foreach (var job in succeeded)
        {
            await FinishedAsync(engine, job.Id, JobState.Succeeded);
        }
        await FinishedAsync(engine, dead.Id, JobState.Dead);

        Assert.Equal(2, recorded.Sum("jobs.enqueued", ("kind", "test.record"), ("queue", "default")));
        Assert.Equal(1, recorded.Sum("jobs.enqueued", ("kind", "test.record"), ("queue", "elsewhere")));
        Assert.Equal(1, recorded.Sum("jobs.enqueued", ("kind", "test.hold"), ("queue", "held")));
        Assert.Equal(2, recorded.Sum("jobs.started", ("kind", "test.record"), ("queue", "default")));
        Assert.Equal(2, recorded.Sum("jobs.succeeded", ("kind", "test.record"), ("queue", "default")));
        Assert.Equal(2, recorded.Sum("jobs.started", ("kind", "test.fail")));
        Assert.Equal(2, recorded.Sum("jobs.failed", ("kind", "test.fail")));
        Assert.Equal(1, recorded.Sum("jobs.retried", ("kind", "test.fail")));
        Assert.Equal(1, recorded.Sum("jobs.dead", ("kind", "test.fail"), ("queue", "default")));
        Assert.Equal(0, recorded.Sum("jobs.succeeded", ("kind", "test.fail")));
        Assert.Equal(4, recorded.Count("jobs.duration"));
        Assert.Equal(4, recorded.Count("jobs.pickup_latency"));
    }

    [Fact]
    public async Task An_attempt_continues_the_trace_of_the_request_that_enqueued_it()
    {
        using var caller = new ActivitySource("Jobs.Engine.Tests.Caller");
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is JobsTracing.SourceName or "Jobs.Engine.Tests.Caller",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        await using var engine = await StartAsync();

        EnqueuedJob job;
        ActivityTraceId traceId;
        using (var request = caller.StartActivity("POST /orders")!)
        {
            traceId = request.TraceId;
            job = await engine.Client.EnqueueAsync(new FailArgs("plain", SucceedOnAttempt: 2));
        }
        var info = await FinishedAsync(engine, job.Id, JobState.Succeeded);
        // Other tests' engines share the ActivitySource (and their job ids may equal ours): this test's spans are the ones in its trace.
        await Eventually.TrueAsync(() => Task.FromResult(spans.Count(s => s.OperationName == "run test.fail" && s.TraceId == traceId) == 2),
            "both attempts' spans to end");

        var enqueue = Assert.Single(spans, s => s.OperationName == "enqueue test.fail" && s.TraceId == traceId);
        Assert.Equal(ActivityKind.Producer, enqueue.Kind);
        Assert.Equal(job.Id, enqueue.GetTagItem("job.id"));
        using var metadata = JsonDocument.Parse(info.MetadataJson!);
        Assert.Equal(enqueue.Id, metadata.RootElement.GetProperty("traceparent").GetString());

        var runs = spans.Where(s => s.OperationName == "run test.fail" && s.TraceId == traceId).OrderBy(s => s.StartTimeUtc).ToList();
        Assert.All(runs, run =>
        {
            Assert.Equal(ActivityKind.Consumer, run.Kind);
            Assert.Equal(job.Id, run.GetTagItem("job.id"));
            Assert.Equal(enqueue.SpanId, run.ParentSpanId);
        });
        Assert.Equal([1, 2], runs.Select(r => (int)r.GetTagItem("job.attempt")!));
        Assert.Equal(ActivityStatusCode.Error, runs[0].Status);
        Assert.Equal("retrying", runs[0].GetTagItem("job.outcome"));
        Assert.Equal("succeeded", runs[1].GetTagItem("job.outcome"));
    }

    /// <summary>Every measurement of the engine's meter created by one host's meter factory.</summary>
    private sealed class RecordedMeasurements : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentQueue<(string Name, double Value, KeyValuePair<string, object?>[] Tags)> _measurements = new();

        public RecordedMeasurements(IMeterFactory factory)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == JobsMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, factory))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((i, v, t, _) => _measurements.Enqueue((i.Name, v, t.ToArray())));
            _listener.SetMeasurementEventCallback<double>((i, v, t, _) => _measurements.Enqueue((i.Name, v, t.ToArray())));
            _listener.Start();
        }

        public double Sum(string name, params (string Key, string Value)[] tags) =>
            Matching(name, tags).Sum(m => m.Value);

        public int Count(string name) => _measurements.Count(m => m.Name == name);

        private IEnumerable<(string Name, double Value, KeyValuePair<string, object?>[] Tags)> Matching(string name, (string Key, string Value)[] tags) =>
            _measurements.Where(m => m.Name == name && tags.All(t => m.Tags.Any(x => x.Key == t.Key && Equals(x.Value, t.Value))));

        public void Dispose() => _listener.Dispose();
    }
}
