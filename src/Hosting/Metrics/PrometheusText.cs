using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace Jobs.Hosting.Metrics;

/// <summary>
/// Names, types and the text of the Prometheus exposition format, lint-clean for <c>promtool check
/// metrics</c>: <c>jobs.duration</c> in seconds becomes <c>jobs_duration_seconds</c> (milliseconds are
/// converted to seconds), a counter gains <c>_total</c>, a gauge never ends in a suffix Prometheus
/// reserves, a histogram writes cumulative <c>_bucket</c> lines with <c>le</c>, then <c>_sum</c> and <c>_count</c>.
/// </summary>
internal static class PrometheusText
{
    // For histograms without advice: OpenTelemetry's defaults, in seconds when the unit is seconds.
    private static readonly double[] SecondsBounds = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
    private static readonly double[] DefaultBounds = [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000];

    private static readonly string[] ReservedSuffixes = ["_count", "_sum", "_bucket", "_total"];

    /// <summary>What values are multiplied by: milliseconds are exported in seconds, the base unit.</summary>
    public static double ScaleOf(Instrument instrument) => instrument.Unit == "ms" ? 0.001 : 1;

    public static string TypeOf(Instrument instrument)
    {
        var definition = instrument.GetType().GetGenericTypeDefinition();
        if (definition == typeof(Counter<>) || definition == typeof(ObservableCounter<>))
        {
            return "counter";
        }
        return definition == typeof(Histogram<>) ? "histogram" : "gauge";
    }

    public static string NameOf(Instrument instrument, string type)
    {
        var name = new StringBuilder(instrument.Name.Length + 16);
        foreach (var c in instrument.Name)
        {
            name.Append(char.IsAsciiLetterOrDigit(c) || c is '_' or ':' ? c : '_');
        }
        if (name.Length == 0 || char.IsAsciiDigit(name[0]))
        {
            name.Insert(0, '_');
        }
        var suffix = UnitSuffix(instrument.Unit);
        if (suffix is not null && !name.ToString().EndsWith(suffix, StringComparison.Ordinal))
        {
            name.Append(suffix);
        }
        if (type == "counter")
        {
            name.Append("_total");
        }
        else if (type == "gauge" && ReservedSuffixes.Any(r => name.ToString().EndsWith(r, StringComparison.Ordinal)))
        {
            // Prometheus keeps _count, _sum, _bucket for histograms and _total for counters: a gauge
            // like db.client.connection.count is exported as db_client_connection_count_current.
            name.Append("_current");
        }
        return name.ToString();
    }

    public static double[] BoundsOf(Instrument instrument)
    {
        var advised = instrument switch
        {
            Histogram<double> h => h.Advice?.HistogramBucketBoundaries?.ToArray(),
            Histogram<float> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray(),
            Histogram<long> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray(),
            Histogram<int> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray(),
            _ => null,
        };
        if (advised is not null)
        {
            var scale = ScaleOf(instrument);
            return [.. advised.Where(double.IsFinite).Select(b => b * scale).Distinct().Order()];
        }
        return instrument.Unit is "s" or "ms" ? SecondsBounds : DefaultBounds;
    }

    public static void Write(StringBuilder text, InstrumentState state)
    {
        var series = state.Series.All().OrderBy(s => Labels(s.Tags, null), StringComparer.Ordinal).ToList();
        if (series.Count == 0)
        {
            return;
        }
        text.Append("# HELP ").Append(state.Name).Append(' ').Append(EscapeHelp(state.Help)).Append('\n');
        text.Append("# TYPE ").Append(state.Name).Append(' ').Append(state.Type).Append('\n');
        foreach (var (tags, values) in series)
        {
            if (state.Type != "histogram")
            {
                text.Append(state.Name).Append(Labels(tags, null)).Append(' ').Append(Number(values.Value)).Append('\n');
                continue;
            }
            var cumulative = 0L;
            for (var i = 0; i <= state.Bounds.Count; i++)
            {
                cumulative += values.BucketCount(i);
                var le = i < state.Bounds.Count ? Number(state.Bounds[i]) : "+Inf";
                text.Append(state.Name).Append("_bucket").Append(Labels(tags, le)).Append(' ').Append(cumulative.ToString(CultureInfo.InvariantCulture)).Append('\n');
            }
            text.Append(state.Name).Append("_sum").Append(Labels(tags, null)).Append(' ').Append(Number(values.Value)).Append('\n');
            text.Append(state.Name).Append("_count").Append(Labels(tags, null)).Append(' ').Append(cumulative.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }
    }

    /// <summary>The unit's base-unit suffix: seconds and bytes as Prometheus names them; annotations like {job} add nothing.</summary>
    private static string? UnitSuffix(string? unit) => unit switch
    {
        "s" => "_seconds",
        "ms" => "_seconds",
        "By" => "_bytes",
        "1" => "_ratio",
        null or "" => null,
        _ when unit.StartsWith('{') => null,
        _ => "_" + new string([.. unit.Select(c => char.IsAsciiLetterOrDigit(c) ? char.ToLowerInvariant(c) : '_')]),
    };

    private static string Labels(KeyValuePair<string, object?>[] tags, string? le)
    {
        if (tags.Length == 0 && le is null)
        {
            return "";
        }
        var text = new StringBuilder("{");
        foreach (var (key, value) in tags.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            if (text.Length > 1)
            {
                text.Append(',');
            }
            text.Append(LabelName(key)).Append("=\"").Append(EscapeLabel(Convert.ToString(value, CultureInfo.InvariantCulture) ?? "")).Append('"');
        }
        if (le is not null)
        {
            text.Append(text.Length > 1 ? "," : "").Append("le=\"").Append(le).Append('"');
        }
        return text.Append('}').ToString();
    }

    private static string LabelName(string key)
    {
        var name = new StringBuilder(key.Length);
        foreach (var c in key)
        {
            name.Append(char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_');
        }
        return name.Length == 0 || char.IsAsciiDigit(name[0]) ? "_" + name : name.ToString();
    }

    private static string Number(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        double.NaN => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    private static string EscapeHelp(string help) => help.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private static string EscapeLabel(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
