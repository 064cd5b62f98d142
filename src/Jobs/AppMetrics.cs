using System.Diagnostics.Metrics;

namespace Jobs;

/// <summary>
/// The business jobs' instruments on the <c>Jobs.App</c> meter: webhook deliveries and payment
/// captures by outcome, backup runs with their duration and size. Exported by the hosts'
/// <c>/metrics</c> endpoint beside the engine's.
/// </summary>
public sealed class AppMetrics : IDisposable
{
    /// <summary>The meter name.</summary>
    public const string MeterName = "Jobs.App";

    private static readonly IReadOnlyList<double> LatencyBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15];
    private static readonly IReadOnlyList<double> BackupSecondsBuckets = [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200];

    private readonly Meter _meter;
    private readonly Counter<long> _webhookDeliveries;
    private readonly Histogram<double> _webhookLatency;
    private readonly Counter<long> _captures;
    private readonly Counter<long> _backups;
    private readonly Histogram<double> _backupDuration;
    private long _lastBackupSize = -1;

    /// <summary>Creates the instruments through the host's meter factory.</summary>
    public AppMetrics(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(MeterName);
        _webhookDeliveries = _meter.CreateCounter<long>("webhooks.deliveries", "{attempt}",
            "Webhook delivery attempts by outcome: delivered, failed, gone (410), blocked (address refused), skipped (endpoint disabled).");
        _webhookLatency = _meter.CreateHistogram("webhooks.latency", "s", "How long receivers took to answer, for attempts that got an answer.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });
        _captures = _meter.CreateCounter<long>("payments.captures", "{attempt}",
            "Payment capture attempts by outcome: captured, already_captured, failed (declined or expired), refused (bad request or configuration), retrying, rejected (bad args).");
        _backups = _meter.CreateCounter<long>("backups.runs", "{run}", "Backup runs by outcome: succeeded, failed, already_done (the slot had its backup).");
        _backupDuration = _meter.CreateHistogram("backups.duration", "s", "How long backups took, dump and verification, by outcome.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = BackupSecondsBuckets });
        // No database label: /metrics may be open to whoever reaches the port, and a database's name is a connection detail.
        _meter.CreateObservableGauge("backups.size", ObserveBackupSize, "By", "The size of the latest backup this process wrote.");
    }

    internal void WebhookAttempt(string outcome, double? latencyMs)
    {
        _webhookDeliveries.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
        if (latencyMs is { } ms)
        {
            _webhookLatency.Record(ms / 1000, new KeyValuePair<string, object?>("outcome", outcome));
        }
    }

    internal void CaptureAttempt(string outcome) => _captures.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    internal void BackupRun(string outcome, TimeSpan? duration, long? sizeBytes)
    {
        var tags = new KeyValuePair<string, object?>("outcome", outcome);
        _backups.Add(1, tags);
        if (duration is { } elapsed)
        {
            _backupDuration.Record(elapsed.TotalSeconds, tags);
        }
        if (sizeBytes is { } size)
        {
            Interlocked.Exchange(ref _lastBackupSize, size);
        }
    }

    private IEnumerable<Measurement<long>> ObserveBackupSize() =>
        Interlocked.Read(ref _lastBackupSize) is var size and >= 0 ? [new Measurement<long>(size)] : [];

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();
}
