using System.Globalization;
using Serilog.Events;
using Serilog.Parsing;
using Serilog.Formatting;
using Serilog.Formatting.Json;

namespace Jobs.Hosting.Logging;

/// <summary>
/// One JSON object per line in the compact log event format (CLEF) that Seq, Loki, Elasticsearch
/// and <c>jq</c> read: <c>@t</c> time (UTC), <c>@l</c> level, <c>@m</c> the rendered message,
/// <c>@mt</c> its template, <c>@x</c> the exception, <c>@tr</c>/<c>@sp</c> the trace and span,
/// then every property (JobId, Kind, Attempt, Queue, CorrelationId inside a job). Named in
/// configuration as <c>Jobs.Hosting.Logging.JsonLinesFormatter, Jobs.Hosting</c>.
/// </summary>
public sealed class JsonLinesFormatter : ITextFormatter
{
    private static readonly JsonValueFormatter Values = new(typeTagName: "$type");

    /// <inheritdoc />
    public void Format(LogEvent logEvent, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(logEvent);
        ArgumentNullException.ThrowIfNull(output);
        output.Write("{\"@t\":\"");
        output.Write(logEvent.Timestamp.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture));
        output.Write("\",\"@l\":\"");
        output.Write(logEvent.Level);
        output.Write("\",\"@m\":");
        JsonValueFormatter.WriteQuotedJsonString(Masked(Render(logEvent)), output);
        output.Write(",\"@mt\":");
        JsonValueFormatter.WriteQuotedJsonString(logEvent.MessageTemplate.Text, output);
        if (logEvent.Exception is { } exception)
        {
            output.Write(",\"@x\":");
            JsonValueFormatter.WriteQuotedJsonString(Masked(exception.ToString()), output);
        }
        if (logEvent.TraceId is { } traceId)
        {
            output.Write(",\"@tr\":\"");
            output.Write(traceId.ToHexString());
            output.Write('"');
        }
        if (logEvent.SpanId is { } spanId)
        {
            output.Write(",\"@sp\":\"");
            output.Write(spanId.ToHexString());
            output.Write('"');
        }
        foreach (var (name, value) in logEvent.Properties)
        {
            // The readable job prefix repeats JobId, Kind and Attempt for the console template.
            if (name == JobContextEnricher.PropertyName)
            {
                continue;
            }
            output.Write(',');
            // Names starting with @ would read as the format's own fields: escape them as CLEF does.
            JsonValueFormatter.WriteQuotedJsonString(name.StartsWith('@') ? "@" + name : name, output);
            output.Write(':');
            Values.Format(value, output);
        }
        output.Write('}');
        output.Write('\n');
    }

    private static string Masked(string text) => RedactingEnricher.Scrub(text) ?? text;

    /// <summary>The message with text values as they are, not quoted (what {Message:l} gives).</summary>
    private static string Render(LogEvent logEvent)
    {
        var text = new StringWriter(CultureInfo.InvariantCulture);
        foreach (var token in logEvent.MessageTemplate.Tokens)
        {
            if (token is PropertyToken property && logEvent.Properties.TryGetValue(property.PropertyName, out var value) &&
                value is ScalarValue { Value: string plain } && property.Format is null && property.Alignment is null)
            {
                text.Write(plain);
            }
            else
            {
                token.Render(logEvent.Properties, text, CultureInfo.InvariantCulture);
            }
        }
        return text.ToString();
    }
}
