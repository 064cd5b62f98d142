using System.Diagnostics;
using System.Diagnostics.Metrics;
using Jobs.Engine.Client;

namespace Jobs.Engine;

/// <summary>
/// The engine's instruments on the <c>Jobs.Engine</c> meter (System.Diagnostics.Metrics), read by
/// the hosts' <c>/metrics</c> endpoint, OpenTelemetry or any MeterListener. Recording costs next to
/// nothing while nobody listens.
/// </summary>
/// <remarks>
/// Counters carry <c>kind</c> and <c>queue</c>. For <c>jobs.enqueued</c> the queue is the one the
/// enqueue names, else the kind's queue as this process knows it (its handler's registration and
/// <c>Jobs:Kinds:{kind}:Queue</c>), else <c>default</c>: the database resolves a job's queue the
/// same way from the policies the servers wrote. An attempt that fails counts as <c>jobs.failed</c>
/// and then as either <c>jobs.retried</c> or <c>jobs.dead</c>. Queue gauges are observed from the
/// database at most every few seconds (see <see cref="Monitoring.QueueGauges"/>); worker gauges
/// from the server running in this process, if any.
/// </remarks>
public sealed class JobsMetrics : IDisposable
{
    /// <summary>The meter name.</summary>
    public const string MeterName = "Jobs.Engine";

    /// <summary>Bucket bounds, in seconds, for durations and latencies: 1 ms to 1 hour.</summary>
    public static readonly IReadOnlyList<double> SecondsBuckets =
        [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];

    private readonly Meter _meter;
    private readonly Counter<long> _enqueued;
    private readonly Counter<long> _started;
    private readonly Counter<long> _succeeded;
    private readonly Counter<long> _failed;
    private readonly Counter<long> _retried;
    private readonly Counter<long> _dead;
    private readonly Counter<long> _snoozed;
    private readonly Counter<long> _handedBack;
    private readonly Counter<long> _rescued;
    private readonly Counter<long> _slow;
    private readonly Histogram<double> _duration;
    private readonly Histogram<double> _pickup;
    private readonly Dictionary<string, string> _kindQueues;
    private Func<IEnumerable<(string Queue, int Busy, int Workers)>>? _workers;
    private Func<IReadOnlyList<Monitoring.QueueGauge>>? _queues;

    /// <summary>
    /// Creates the instruments through the host's meter factory; <paramref name="kinds"/> and
    /// <paramref name="configuration"/> tell the queue of an enqueue that names none.
    /// </summary>
    public JobsMetrics(IMeterFactory meterFactory, IEnumerable<Handlers.JobKindRegistration>? kinds = null,
        Microsoft.Extensions.Configuration.IConfiguration? configuration = null)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _kindQueues = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var kind in kinds ?? [])
        {
            if ((configuration?[$"{Handlers.JobKindRegistry.SectionName}:{kind.Kind}:Queue"] ?? kind.Options.Queue) is { Length: > 0 } queue)
            {
                _kindQueues.TryAdd(kind.Kind, queue);
            }
        }
        _meter = meterFactory.Create(MeterName);
        _enqueued = _meter.CreateCounter<long>("jobs.enqueued", "{job}", "Jobs created by enqueues (idempotent repeats excluded).");
        _started = _meter.CreateCounter<long>("jobs.started", "{job}", "Attempts started.");
        _succeeded = _meter.CreateCounter<long>("jobs.succeeded", "{job}", "Attempts that succeeded.");
        _failed = _meter.CreateCounter<long>("jobs.failed", "{job}", "Attempts that failed (threw, timed out or were refused), whether retried or dead.");
        _retried = _meter.CreateCounter<long>("jobs.retried", "{job}", "Failed attempts that will be retried.");
        _dead = _meter.CreateCounter<long>("jobs.dead", "{job}", "Jobs that ended dead: no attempts left, a permanent failure, or unknown kind or args.");
        _snoozed = _meter.CreateCounter<long>("jobs.snoozed", "{job}", "Attempts that snoozed (no attempt spent).");
        _handedBack = _meter.CreateCounter<long>("jobs.handed_back", "{job}", "Attempts handed back unfinished at shutdown (no attempt spent).");
        _rescued = _meter.CreateCounter<long>("jobs.rescued", "{job}", "Jobs taken back from servers that stopped heartbeating (the attempt counts; with none left the job is dead).");
        _slow = _meter.CreateCounter<long>("jobs.slow", "{job}", "Attempts that ran longer than their slow threshold.");
        _duration = _meter.CreateHistogram("jobs.duration", "s", "How long attempts ran, by outcome.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets });
        _pickup = _meter.CreateHistogram("jobs.pickup_latency", "s", "From due to claimed, by the database clock.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets });
        _meter.CreateObservableGauge("jobs.workers.busy", () => ObserveWorkers(busy: true), "{worker}", "Workers running a job now, by queue.");
        _meter.CreateObservableGauge("jobs.workers", () => ObserveWorkers(busy: false), "{worker}", "Workers of this process, by queue.");
        _meter.CreateObservableGauge("jobs.queue.depth", () => ObserveQueues(q => q.Depth), "{job}",
            $"Jobs available to run now, by queue (counted up to {Monitoring.QueueGauges.DepthCap:N0}).");
        _meter.CreateObservableGauge("jobs.queue.oldest_age", () => ObserveQueues(q => q.OldestAgeSeconds), "s",
            "How long the oldest available job of each queue has been waiting (0 when none waits).");
        _meter.CreateObservableGauge("jobs.queue.paused", () => ObserveQueues(q => q.Paused ? 1 : 0), "{queue}",
            "1 for a queue an operator paused.");
    }

    /// <summary>Called by the server running in this process: the worker gauges read it.</summary>
    internal void ObserveWorkers(Func<IEnumerable<(string Queue, int Busy, int Workers)>> workers) => _workers = workers;

    /// <summary>Called by <see cref="Monitoring.QueueGauges"/>: the queue gauges read it.</summary>
    internal void ObserveQueues(Func<IReadOnlyList<Monitoring.QueueGauge>> queues) => _queues = queues;

    internal void Enqueued(IReadOnlyCollection<JobRequest> requests, EnqueuedJob[] results)
    {
        if (!_enqueued.Enabled)
        {
            return;
        }
        var i = 0;
        foreach (var request in requests)
        {
            if (results[i++].Created)
            {
                var queue = request.Options?.Queue ?? _kindQueues.GetValueOrDefault(request.Kind) ?? "default";
                _enqueued.Add(1, new KeyValuePair<string, object?>("kind", request.Kind), new KeyValuePair<string, object?>("queue", queue));
            }
        }
    }

    internal void Started(string kind, string queue, TimeSpan pickup)
    {
        var tags = new TagList { { "kind", kind }, { "queue", queue } };
        _started.Add(1, tags);
        if (_pickup.Enabled)
        {
            _pickup.Record(Math.Max(0, pickup.TotalSeconds), tags);
        }
    }

    /// <summary>An attempt ended: <paramref name="outcome"/> is succeeded, retrying, dead, snoozed, cancelled or handed_back.</summary>
    internal void Completed(string kind, string queue, string outcome, TimeSpan duration, bool slow)
    {
        var tags = new TagList { { "kind", kind }, { "queue", queue } };
        switch (outcome)
        {
            case "succeeded":
                _succeeded.Add(1, tags);
                break;
            case "retrying":
                _failed.Add(1, tags);
                _retried.Add(1, tags);
                break;
            case "dead":
                _failed.Add(1, tags);
                _dead.Add(1, tags);
                break;
            case "snoozed":
                _snoozed.Add(1, tags);
                break;
            case "handed_back":
                _handedBack.Add(1, tags);
                break;
        }
        if (slow)
        {
            _slow.Add(1, tags);
        }
        if (_duration.Enabled)
        {
            tags.Add("outcome", outcome);
            _duration.Record(duration.TotalSeconds, tags);
        }
    }

    internal void Rescued(string kind, string queue, bool dead)
    {
        var tags = new TagList { { "kind", kind }, { "queue", queue } };
        _rescued.Add(1, tags);
        if (dead)
        {
            _dead.Add(1, tags);
        }
    }

    private IEnumerable<Measurement<int>> ObserveWorkers(bool busy)
    {
        if (_workers is not { } workers)
        {
            yield break;
        }
        foreach (var (queue, busyNow, total) in workers())
        {
            yield return new Measurement<int>(busy ? busyNow : total, new KeyValuePair<string, object?>("queue", queue));
        }
    }

    private IEnumerable<Measurement<double>> ObserveQueues(Func<Monitoring.QueueGauge, double> value)
    {
        if (_queues is not { } queues)
        {
            yield break;
        }
        foreach (var queue in queues())
        {
            yield return new Measurement<double>(value(queue), new KeyValuePair<string, object?>("queue", queue.Queue));
        }
    }

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();
}
