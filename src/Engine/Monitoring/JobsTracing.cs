using System.Diagnostics;
using System.Text.Json;

namespace Jobs.Engine;

/// <summary>
/// The engine's spans on the <c>Jobs.Engine</c> ActivitySource. An enqueue is a producer span; the
/// W3C trace context current at enqueue (that span, or the caller's own) is stored with each job as
/// the metadata entries <c>traceparent</c> and <c>tracestate</c>; every attempt runs in a consumer
/// span that continues that trace. Nothing is recorded, parsed or stored for spans nobody listens to,
/// except the caller's own trace context, which is kept with the job when there is one.
/// </summary>
public static class JobsTracing
{
    /// <summary>The ActivitySource name (for OpenTelemetry's AddSource).</summary>
    public const string SourceName = "Jobs.Engine";

    /// <summary>The metadata key of the stored W3C traceparent.</summary>
    public const string TraceParentKey = "traceparent";

    /// <summary>The metadata key of the stored W3C tracestate.</summary>
    public const string TraceStateKey = "tracestate";

    internal static readonly ActivitySource Source = new(SourceName, typeof(JobsTracing).Assembly.GetName().Version?.ToString());

    /// <summary>Starts the producer span of an enqueue of <paramref name="count"/> jobs; null when nobody listens.</summary>
    internal static Activity? StartEnqueue(string kind, int count)
    {
        if (!Source.HasListeners())
        {
            return null;
        }
        var activity = Source.StartActivity(count == 1 ? $"enqueue {kind}" : "enqueue", ActivityKind.Producer);
        activity?.SetTag("messaging.system", "jobs");
        activity?.SetTag("messaging.batch.message_count", count);
        if (count == 1)
        {
            activity?.SetTag("job.kind", kind);
        }
        return activity;
    }

    /// <summary>The trace context to store with jobs enqueued now: the current span's, if it has a W3C id.</summary>
    internal static (string TraceParent, string? TraceState)? CurrentContext() =>
        Activity.Current is { IdFormat: ActivityIdFormat.W3C, Id: { } id } current ? (id, current.TraceStateString) : null;

    /// <summary>Starts the consumer span of one attempt, continuing the trace stored with the job; null when nobody listens.</summary>
    internal static Activity? StartRun(Storage.ClaimedJob claim)
    {
        if (!Source.HasListeners())
        {
            return null;
        }
        var parent = default(ActivityContext);
        if (claim.MetadataJson is { } metadata && ReadTraceContext(metadata) is var (traceParent, traceState))
        {
            ActivityContext.TryParse(traceParent, traceState, isRemote: true, out parent);
        }
        var activity = Source.StartActivity($"run {claim.Job.Kind}", ActivityKind.Consumer, parent);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("messaging.system", "jobs");
            activity.SetTag("job.id", claim.Job.Id);
            activity.SetTag("job.kind", claim.Job.Kind);
            activity.SetTag("job.queue", claim.Job.Queue);
            activity.SetTag("job.attempt", claim.Job.Attempt);
            if (claim.Job.CorrelationId is { } correlationId)
            {
                activity.SetTag("job.correlation_id", correlationId);
            }
        }
        return activity;
    }

    /// <summary>Records how the attempt ended on its span (the current activity, when it is one of ours).</summary>
    internal static void Ended(string outcome, string? error)
    {
        if (Activity.Current is not { } activity || activity.Source != Source)
        {
            return;
        }
        activity.SetTag("job.outcome", outcome);
        if (outcome is "retrying" or "dead")
        {
            activity.SetStatus(ActivityStatusCode.Error, error);
        }
    }

    private static (string, string?)? ReadTraceContext(string metadataJson)
    {
        try
        {
            using var document = JsonDocument.Parse(metadataJson);
            if (document.RootElement.ValueKind == JsonValueKind.Object &&
                document.RootElement.TryGetProperty(TraceParentKey, out var parent) && parent.ValueKind == JsonValueKind.String)
            {
                var state = document.RootElement.TryGetProperty(TraceStateKey, out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
                return (parent.GetString()!, state);
            }
        }
        catch (JsonException)
        {
            // Metadata written by hand through SQL may be anything; a job without a readable context starts a new trace.
        }
        return null;
    }
}
