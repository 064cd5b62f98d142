using System.Globalization;
using Serilog.Events;
using Serilog.Formatting.Display;

namespace Jobs.Hosting.Logging;

/// <summary>
/// Lines for people at a terminal: time, level, the job prefix inside a job ("job 42
/// webhook.deliver #3"), the message, the exception; secrets masked. Named in configuration as
/// <c>Jobs.Hosting.Logging.ReadableFormatter, Jobs.Hosting</c>.
/// </summary>
public sealed class ReadableFormatter() : RedactingFormatter(new MessageTemplateTextFormatter(
    "[{Timestamp:HH:mm:ss.fff} {Level:u3}] {JobContext}{Message:lj}{NewLine}{Exception}", CultureInfo.InvariantCulture))
{
    private const string JobContext = "JobContext";

    /// <summary>Adds the job prefix, for this format only, when the event was written inside a job.</summary>
    protected override LogEvent Prepare(LogEvent logEvent)
    {
        ArgumentNullException.ThrowIfNull(logEvent);
        if (!logEvent.Properties.TryGetValue("JobId", out var id) || !logEvent.Properties.TryGetValue("Kind", out var kind) ||
            !logEvent.Properties.TryGetValue("Attempt", out var attempt))
        {
            return logEvent;
        }
        var prefix = new LogEventProperty(JobContext, new ScalarValue($"job {Plain(id)} {Plain(kind)} #{Plain(attempt)} "));
        return With(logEvent, logEvent.Properties.Select(p => new LogEventProperty(p.Key, p.Value)).Append(prefix));
    }

    private static string Plain(LogEventPropertyValue value) =>
        value is ScalarValue { Value: var v } ? Convert.ToString(v, CultureInfo.InvariantCulture) ?? "" : value.ToString();
}
