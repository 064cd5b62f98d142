using Serilog.Events;
using Serilog.Formatting;
using Serilog.Parsing;

namespace Jobs.Hosting.Logging;

/// <summary>
/// A Serilog formatter that writes through <paramref name="inner"/> an event with every secret
/// masked (see <see cref="RedactingEnricher"/>): in its properties, and also in what an enricher
/// cannot reach, the message template's own text (a message built by concatenation) and the
/// exception. Serilog's formatters have no hook for this, hence the wrapper.
/// </summary>
/// <param name="inner">The formatter that writes the event.</param>
public abstract class RedactingFormatter(ITextFormatter inner) : ITextFormatter
{
    private static readonly MessageTemplateParser Parser = new();

    /// <inheritdoc />
    public void Format(LogEvent logEvent, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(logEvent);
        inner.Format(Prepare(Redact(logEvent)), output);
    }

    /// <summary>What a formatter adds to the (redacted) event before it is written; the event itself by default.</summary>
    protected virtual LogEvent Prepare(LogEvent logEvent) => logEvent;

    /// <summary>The event with secrets masked; the event itself when it holds none.</summary>
    internal static LogEvent Redact(LogEvent logEvent)
    {
        var template = RedactingEnricher.Scrub(logEvent.MessageTemplate.Text) is { } text ? Parser.Parse(text) : logEvent.MessageTemplate;
        var exception = logEvent.Exception is { } e && RedactingEnricher.Scrub(e.ToString()) is { } scrubbed
            ? new RedactedException(RedactingEnricher.Scrub(e.Message) ?? e.Message, scrubbed)
            : logEvent.Exception;
        var properties = RedactingEnricher.Clean(logEvent.Properties);
        if (ReferenceEquals(template, logEvent.MessageTemplate) && ReferenceEquals(exception, logEvent.Exception) && properties is null)
        {
            return logEvent;
        }
        return With(logEvent, properties ?? logEvent.Properties.Select(p => new LogEventProperty(p.Key, p.Value)), template, exception);
    }

    /// <summary>A copy of the event with other properties, template or exception.</summary>
    protected static LogEvent With(LogEvent logEvent, IEnumerable<LogEventProperty> properties, MessageTemplate? template = null, Exception? exception = null)
    {
        ArgumentNullException.ThrowIfNull(logEvent);
        return new LogEvent(logEvent.Timestamp, logEvent.Level, exception ?? logEvent.Exception, template ?? logEvent.MessageTemplate, properties,
            logEvent.TraceId ?? default, logEvent.SpanId ?? default);
    }

    /// <summary>Stands in for an exception whose text held a secret: writes as the masked text.</summary>
    private sealed class RedactedException(string message, string text) : Exception(message)
    {
        public override string ToString() => text;
    }
}
