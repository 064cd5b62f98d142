using System.Globalization;
using Jobs.Engine.States;
using Microsoft.AspNetCore.Html;

namespace Jobs.Dashboard.Ui;

/// <summary>How the pages show times, counts and states: relative times with the absolute UTC time beside or on hover.</summary>
public static class Format
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>A count with thousands separators; an estimate reads "≈ 712,000".</summary>
    public static string Count(long? jobs, bool exact = true) =>
        jobs is not { } n ? "–" : exact ? n.ToString("N0", Invariant) : "≈ " + n.ToString("N0", Invariant);

    /// <summary>A number with thousands separators.</summary>
    public static string Number(long n) => n.ToString("N0", Invariant);

    /// <summary>An absolute time in UTC, to the second.</summary>
    public static string Utc(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", Invariant) + " UTC";

    /// <summary>ISO 8601, for <c>datetime</c> attributes and scripts.</summary>
    public static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", Invariant);

    /// <summary>"3 min ago" or "in 2 h".</summary>
    public static string Relative(DateTimeOffset at, DateTimeOffset now)
    {
        var span = at - now;
        if (span.Duration() < TimeSpan.FromSeconds(1))
        {
            return "just now";
        }
        var text = Span(span.Duration());
        return span < TimeSpan.Zero ? text + " ago" : "in " + text;
    }

    /// <summary>A duration in the largest sensible unit: "850 ms", "42 s", "3 min", "5 h 10 min", "2 d".</summary>
    public static string Span(TimeSpan span)
    {
        if (span < TimeSpan.FromSeconds(1))
        {
            return span < TimeSpan.FromMilliseconds(1) ? "now" : $"{span.TotalMilliseconds.ToString("0", Invariant)} ms";
        }
        if (span < TimeSpan.FromMinutes(1))
        {
            return $"{(int)span.TotalSeconds} s";
        }
        if (span < TimeSpan.FromHours(1))
        {
            return $"{(int)span.TotalMinutes} min";
        }
        if (span < TimeSpan.FromDays(1))
        {
            return span.Minutes == 0 ? $"{(int)span.TotalHours} h" : $"{(int)span.TotalHours} h {span.Minutes} min";
        }
        return $"{(int)span.TotalDays} d";
    }

    /// <summary>A milliseconds figure as a duration (one no TimeSpan holds, written by hand into a row, as its number).</summary>
    public static string Millis(double? ms) => ms switch
    {
        null => "–",
        { } value when double.IsFinite(value) && Math.Abs(value) <= TimeSpan.MaxValue.TotalMilliseconds => Span(TimeSpan.FromMilliseconds(value)),
        { } value => value.ToString("G4", Invariant) + " ms",
    };

    /// <summary>A relative time, with the absolute UTC time on hover and for scripts.</summary>
    public static IHtmlContent Time(DateTimeOffset? at, DateTimeOffset now)
    {
        if (at is not { } value)
        {
            return new HtmlString("<span class=\"muted\">–</span>");
        }
        var builder = new HtmlContentBuilder();
        builder.AppendHtml($"<time datetime=\"{Iso(value)}\" title=\"{Utc(value)}\">");
        builder.Append(Relative(value, now));
        builder.AppendHtml("</time>");
        return builder;
    }

    /// <summary>The absolute UTC time with the relative time after it, for detail pages.</summary>
    public static IHtmlContent TimeFull(DateTimeOffset? at, DateTimeOffset now)
    {
        if (at is not { } value)
        {
            return new HtmlString("<span class=\"muted\">–</span>");
        }
        var builder = new HtmlContentBuilder();
        builder.AppendHtml($"<time datetime=\"{Iso(value)}\">");
        builder.Append(Utc(value));
        builder.AppendHtml(" <span class=\"muted\">(");
        builder.Append(Relative(value, now));
        builder.AppendHtml(")</span></time>");
        return builder;
    }

    /// <summary>A state as a coloured badge.</summary>
    public static IHtmlContent Badge(JobState state) => Badge(state.ToDb());

    /// <summary>A badge with a text and the class of that text.</summary>
    public static IHtmlContent Badge(string text, string? tone = null)
    {
        var builder = new HtmlContentBuilder();
        builder.AppendHtml($"<span class=\"badge badge-{tone ?? text}\">");
        builder.Append(text);
        builder.AppendHtml("</span>");
        return builder;
    }

    /// <summary>Cuts text to a length, with an ellipsis (never between the halves of a surrogate pair).</summary>
    public static string Cut(string? text, int length)
    {
        if (text is null || text.Length <= length)
        {
            return text ?? "";
        }
        var end = length - 1;
        if (end > 0 && char.IsHighSurrogate(text[end - 1]))
        {
            end--;
        }
        return text[..end] + "…";
    }
}
