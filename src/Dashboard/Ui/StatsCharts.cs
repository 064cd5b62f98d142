using System.Globalization;
using System.Text;
using Jobs.Engine.Monitoring;
using Microsoft.AspNetCore.Html;

namespace Jobs.Dashboard.Ui;

/// <summary>
/// Small charts drawn on the server as inline SVG: no script, no front-end build, and nothing the
/// content security policy forbids (shapes and classes only, no style attributes).
/// </summary>
public static class StatsCharts
{
    private const int Width = 120, Height = 28;
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>A percentile in words: "≤ 200 ms" (the bound of its bucket), "> 1 h", or "–" when nothing was timed.</summary>
    public static string Percentile(double? ms) => ms switch
    {
        null => "–",
        { } v when double.IsPositiveInfinity(v) => "> 1 h",
        { } v => "≤ " + Format.Millis(v),
    };

    /// <summary>Attempts ended per minute as bars, failed ones on top in the failure colour; the peak and total in its title.</summary>
    public static IHtmlContent PerMinute(StatsSeries series, DateTimeOffset from)
    {
        var max = Math.Max(1, series.PerMinute.Max());
        var step = (double)Width / series.PerMinute.Count;
        var svg = Open($"{Format.Number(series.Total)} attempts in the last hour, at most {Format.Number(max)} a minute", "spark spark-bars");
        for (var i = 0; i < series.PerMinute.Count; i++)
        {
            var all = series.PerMinute[i];
            if (all == 0)
            {
                continue;
            }
            var h = Math.Max(1, all * (Height - 2.0) / max);
            var failed = series.FailedPerMinute[i] * (Height - 2.0) / max;
            svg.Append(Rect(i * step, Height - h, Math.Max(step - 0.4, 0.6), h, "bar",
                $"{from.AddMinutes(i).UtcDateTime:HH:mm} UTC: {all} ended, {series.FailedPerMinute[i]} failed"));
            if (failed > 0)
            {
                svg.Append(Rect(i * step, Height - h, Math.Max(step - 0.4, 0.6), failed, "bar-failed", null));
            }
        }
        return Close(svg);
    }

    /// <summary>The median and 95th percentile per bucket as two lines on a log scale from 1 ms to 1 hour.</summary>
    public static IHtmlContent Timings(IReadOnlyList<Percentiles> buckets, string what)
    {
        var svg = Open($"{what}: median and 95th percentile per {60 / Math.Max(1, buckets.Count)} minutes, log scale 1 ms to 1 h", "spark spark-lines");
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"0\" x2=\"{Width}\" y1=\"{Y(1000):0.#}\" y2=\"{Y(1000):0.#}\" class=\"grid-line\"><title>1 s</title></line>");
        foreach (var (pick, css) in new (Func<Percentiles, double?>, string)[] { (p => p.P50, "line-p50"), (p => p.P95, "line-p95") })
        {
            var path = new StringBuilder();
            var step = (double)Width / Math.Max(1, buckets.Count);
            var pen = false;
            for (var i = 0; i < buckets.Count; i++)
            {
                if (pick(buckets[i]) is not { } ms)
                {
                    pen = false;
                    continue;
                }
                path.Append(pen ? " L" : " M").Append((step * (i + 0.5)).ToString("0.#", Invariant)).Append(',').Append(Y(ms).ToString("0.#", Invariant));
                if (!pen)
                {
                    // A lone point still shows: a dot-length stroke.
                    path.Append(" l0.1,0");
                }
                pen = true;
            }
            if (path.Length > 0)
            {
                svg.Append(CultureInfo.InvariantCulture, $"<path d=\"{path.ToString().Trim()}\" class=\"{css}\"></path>");
            }
        }
        return Close(svg);
    }

    private static double Y(double ms)
    {
        var top = Math.Log10(3_600_000);
        var value = double.IsPositiveInfinity(ms) ? top : Math.Clamp(Math.Log10(Math.Max(1, ms)), 0, top);
        return Height - 1 - value / top * (Height - 2);
    }

    private static StringBuilder Open(string title, string css) =>
        new StringBuilder().Append(CultureInfo.InvariantCulture, $"<svg class=\"{css}\" viewBox=\"0 0 {Width} {Height}\" width=\"{Width}\" height=\"{Height}\" role=\"img\" aria-label=\"")
            .Append(System.Net.WebUtility.HtmlEncode(title)).Append("\"><title>").Append(System.Net.WebUtility.HtmlEncode(title)).Append("</title>");

    private static IHtmlContent Close(StringBuilder svg) => new HtmlString(svg.Append("</svg>").ToString());

    private static string Rect(double x, double y, double w, double h, string css, string? title) =>
        string.Create(Invariant, $"<rect x=\"{x:0.##}\" y=\"{y:0.##}\" width=\"{w:0.##}\" height=\"{h:0.##}\" class=\"{css}\">")
        + (title is null ? "" : "<title>" + System.Net.WebUtility.HtmlEncode(title) + "</title>") + "</rect>";
}
