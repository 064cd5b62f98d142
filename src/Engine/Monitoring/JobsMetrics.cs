using System.Diagnostics;
using System.Diagnostics.Metrics;
using Jobs.Engine.Client;

namespace Jobs.Engine;

/// <summary>
/// The engine's instruments on the <c>Jobs.Engine</c> meter (System.Diagnostics.Metrics), read by
/// OpenTelemetry or any MeterListener. Recording costs next to nothing while nobody listens.
/// </summary>
public sealed class JobsMetrics : IDisposable
{
    /// <summary>The meter name.</summary>
    public const string MeterName = "Jobs.Engine";

    private readonly Meter _meter;
    private readonly Counter<long> _enqueued;
    private readonly Counter<long> _started;
    private readonly Counter<long> _completed;
    private readonly Counter<long> _rescued;
    private readonly Histogram<double> _duration;
    private readonly Histogram<double> _pickup;

    /// <summary>Creates the instruments through the host's meter factory.</summary>
    public JobsMetrics(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(MeterName);
        _enqueued = _meter.CreateCounter<long>("jobs.enqueued", "{job}", "Jobs created by enqueues (idempotent repeats excluded).");
        _started = _meter.CreateCounter<long>("jobs.started", "{job}", "Attempts started.");
        _completed = _meter.CreateCounter<long>("jobs.completed", "{job}", "Attempts ended, by outcome: succeeded, retrying, dead, snoozed, cancelled, handed_back.");
        _rescued = _meter.CreateCounter<long>("jobs.rescued", "{job}", "Jobs taken back from servers that stopped heartbeating.");
        _duration = _meter.CreateHistogram<double>("jobs.duration", "s", "How long attempts ran.");
        _pickup = _meter.CreateHistogram<double>("jobs.pickup_latency", "s", "From due to claimed, by the database clock.");
    }

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
                _enqueued.Add(1, new KeyValuePair<string, object?>("kind", request.Kind));
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

    internal void Completed(string kind, string queue, string outcome, TimeSpan duration)
    {
        var tags = new TagList { { "kind", kind }, { "queue", queue }, { "outcome", outcome } };
        _completed.Add(1, tags);
        if (_duration.Enabled)
        {
            _duration.Record(duration.TotalSeconds, tags);
        }
    }

    internal void Rescued(int count)
    {
        if (count > 0)
        {
            _rescued.Add(count);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();
}
