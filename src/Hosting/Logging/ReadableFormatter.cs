using System.Globalization;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Formatting.Display;

namespace Jobs.Hosting.Logging;

/// <summary>
/// Lines for people at a terminal: time, level, the job prefix inside a job ("job 42
/// webhook.deliver #3"), the request's correlation id in a request, the message, the exception.
/// Secrets in messages and exceptions are masked as <see cref="RedactingEnricher"/> does. Named in configuration as <c>Jobs.Hosting.Logging.ReadableFormatter, Jobs.Hosting</c>.
/// </summary>
public sealed class ReadableFormatter : ITextFormatter
{
    private readonly MessageTemplateTextFormatter _inner = new(
        "[{Timestamp:HH:mm:ss.fff} {Level:u3}] {JobContext}{Message:lj}{NewLine}{Exception}", CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public void Format(LogEvent logEvent, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var line = new StringWriter(CultureInfo.InvariantCulture);
        _inner.Format(logEvent, line);
        var text = line.ToString();
        output.Write(RedactingEnricher.Scrub(text) ?? text);
    }
}
