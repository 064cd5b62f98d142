using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text;
using Microsoft.Extensions.Options;

namespace Jobs.Hosting.Metrics;

/// <summary>
/// Collects the measurements of this host's meters through a <see cref="MeterListener"/> and
/// renders them in the Prometheus text exposition format (version 0.0.4) for <c>/metrics</c>.
/// Counters and histograms accumulate from the start of the process; observable instruments are
/// read at each scrape. A meter created through a DI meter factory is exported only by the host
/// that owns that factory, so several hosts in one process (tests) each export their own.
/// </summary>
public sealed class PrometheusExporter : IDisposable
{
    /// <summary>The content type of the format.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private readonly MeterListener _listener;
    private readonly ConcurrentDictionary<Instrument, InstrumentState> _instruments = new();
    private readonly IMeterFactory _meterFactory;
    private readonly HashSet<string> _meters;
    private readonly int _seriesLimit;
    private readonly Lock _scrape = new();

    /// <summary>Starts listening to the configured meters.</summary>
    public PrometheusExporter(IMeterFactory meterFactory, IOptions<MetricsOptions> options)
    {
        _meterFactory = meterFactory;
        _meters = [.. MetricsOptions.DefaultMeters, .. options.Value.AdditionalMeters];
        _seriesLimit = options.Value.SeriesLimit;
        _listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (Accepts(instrument))
                {
                    var state = new InstrumentState(instrument, _seriesLimit);
                    _instruments[instrument] = state;
                    listener.EnableMeasurementEvents(instrument, state);
                }
            },
            MeasurementsCompleted = (instrument, _) => _instruments.TryRemove(instrument, out InstrumentState? _),
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, state) => ((InstrumentState)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<int>((_, value, tags, state) => ((InstrumentState)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<short>((_, value, tags, state) => ((InstrumentState)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<byte>((_, value, tags, state) => ((InstrumentState)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<double>((_, value, tags, state) => ((InstrumentState)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<float>((_, value, tags, state) => ((InstrumentState)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<decimal>((_, value, tags, state) => ((InstrumentState)state!).Record((double)value, tags));
        _listener.Start();
    }

    /// <summary>Reads the observable instruments and renders every series.</summary>
    public string Scrape()
    {
        lock (_scrape)
        {
            foreach (var state in _instruments.Values)
            {
                if (state.IsObservable)
                {
                    // Observed values are the current ones: a series that is no longer reported disappears.
                    state.Series.Clear();
                }
            }
            _listener.RecordObservableInstruments();
            var text = new StringBuilder(16 * 1024);
            var written = new HashSet<string>(StringComparer.Ordinal);
            foreach (var state in _instruments.Values.OrderBy(s => s.Name, StringComparer.Ordinal))
            {
                // Two instruments that map to one name (the same meter in two versions): the first wins.
                if (written.Add(state.Name))
                {
                    PrometheusText.Write(text, state);
                }
            }
            return text.ToString();
        }
    }

    private bool Accepts(Instrument instrument) =>
        _meters.Contains(instrument.Meter.Name) && (instrument.Meter.Scope is null || ReferenceEquals(instrument.Meter.Scope, _meterFactory));

    /// <inheritdoc />
    public void Dispose() => _listener.Dispose();
}

/// <summary>One instrument: its Prometheus name and type, and its series.</summary>
internal sealed class InstrumentState
{
    private readonly double[] _bounds;
    private readonly Aggregation _aggregation;
    private readonly double _scale;

    public InstrumentState(Instrument instrument, int seriesLimit)
    {
        Type = PrometheusText.TypeOf(instrument);
        Name = PrometheusText.NameOf(instrument, Type);
        Help = instrument.Description ?? "";
        IsObservable = instrument.IsObservable;
        _bounds = Type == "histogram" ? PrometheusText.BoundsOf(instrument) : [];
        _scale = PrometheusText.ScaleOf(instrument);
        // Counters and up-down counters add up; observable ones report their running total and
        // gauges their current value, so both keep the last value.
        _aggregation = Type == "histogram" ? Aggregation.Buckets
            : IsObservable || instrument.GetType().GetGenericTypeDefinition() == typeof(Gauge<>) ? Aggregation.LastValue
            : Aggregation.Sum;
        Series = new SeriesMap(_bounds.Length, seriesLimit);
    }

    private enum Aggregation { Sum, LastValue, Buckets }

    public string Name { get; }
    public string Type { get; }
    public string Help { get; }
    public bool IsObservable { get; }
    public SeriesMap Series { get; }
    public IReadOnlyList<double> Bounds => _bounds;

    public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var series = Series.Get(tags);
        value *= _scale;
        switch (_aggregation)
        {
            case Aggregation.Buckets:
                series.Record(value, _bounds);
                break;
            case Aggregation.LastValue:
                series.Set(value);
                break;
            default:
                series.Add(value);
                break;
        }
    }
}
