using Serilog.Core;
using Serilog.Events;

namespace Jobs.Hosting.Logging;

/// <summary>
/// Adds a readable <c>JobContext</c> property ("job 42 webhook.deliver #3 ") to every event written
/// inside a job, so the console template shows job id, kind and attempt on each line of a job and
/// nothing on the others.
/// </summary>
internal sealed class JobContextEnricher : ILogEventEnricher
{
    public const string PropertyName = "JobContext";

    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        if (logEvent.Properties.TryGetValue("JobId", out var id) &&
            logEvent.Properties.TryGetValue("Kind", out var kind) &&
            logEvent.Properties.TryGetValue("Attempt", out var attempt))
        {
            var text = $"job {Plain(id)} {Plain(kind)} #{Plain(attempt)} ";
            logEvent.AddPropertyIfAbsent(propertyFactory.CreateProperty(PropertyName, text));
        }
    }

    private static string Plain(LogEventPropertyValue value) =>
        value is ScalarValue { Value: var v } ? Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) ?? "" : value.ToString();
}
