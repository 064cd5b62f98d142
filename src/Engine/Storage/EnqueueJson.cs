using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Jobs.Engine.Client;

namespace Jobs.Engine.Storage;

/// <summary>
/// Writes job requests as the JSON array <c>insert_jobs</c> takes (and one job as its element, for
/// <see cref="JobSql.InsertJob"/>). Options are checked first, so
/// a bad value fails in the caller with an <see cref="ArgumentException"/> naming it.
/// </summary>
internal static class EnqueueJson
{
    /// <param name="requests">The jobs.</param>
    /// <param name="contexts">
    /// Each job's ambient context, taken on its caller's thread when the jobs come from several
    /// callers (see <see cref="EnqueueCombiner"/>); null: the current thread's, for all of them.
    /// </param>
    public static string Write(IReadOnlyCollection<JobRequest> requests, IReadOnlyList<EnqueueContext>? contexts = null)
    {
        var current = contexts is null ? EnqueueContext.Current() : default;
        var buffer = new ArrayBufferWriter<byte>(128 * requests.Count + 16);
        var args = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        using (var argsWriter = new Utf8JsonWriter(args))
        {
            writer.WriteStartArray();
            var position = 0;
            foreach (var request in requests)
            {
                position++;
                WriteJob(writer, argsWriter, args, request, position, requests.Count, contexts?[position - 1] ?? current);
            }
            writer.WriteEndArray();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>One job as the element of that array (the one-job insert takes it on its own).</summary>
    public static string WriteOne(JobRequest request, EnqueueContext? context = null)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        var args = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        using (var argsWriter = new Utf8JsonWriter(args))
        {
            WriteJob(writer, argsWriter, args, request, 1, 1, context ?? EnqueueContext.Current());
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteJob(Utf8JsonWriter writer, Utf8JsonWriter argsWriter, ArrayBufferWriter<byte> args, JobRequest request,
        int position, int count, EnqueueContext context)
    {
        var trace = context.Trace;
        ArgumentNullException.ThrowIfNull(request);
        var options = request.Options ?? Defaults;
        var where = count == 1 ? null : (int?)position;
        EnqueueValidation.Check(request, options, where);

        // The arguments are written on their own first and their text checked: a record's string may
        // hold a NUL, which PostgreSQL would refuse for the whole statement without saying where.
        args.ResetWrittenCount();
        argsWriter.Reset(args);
        JsonSerializer.Serialize(argsWriter, request.Args, request.Args.GetType(), JobJson.Options);
        argsWriter.Flush();
        if (StorableText.Find(args.WrittenSpan) is { } found)
        {
            throw EnqueueValidation.ArgsProblem(where, found);
        }

        writer.WriteStartObject();
        writer.WriteString("kind", request.Kind);
        writer.WritePropertyName("args");
        writer.WriteRawValue(args.WrittenSpan, skipInputValidation: true);
        if (options.Queue is { } queue) writer.WriteString("queue", queue);
        if (options.Priority is { } priority) writer.WriteNumber("priority", priority);
        if (options.RunAt is { } runAt) writer.WriteString("run_at", runAt.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture));
        if (options.Delay is { } delay) writer.WriteNumber("delay_ms", delay.TotalMilliseconds);
        if (options.MaxAttempts is { } maxAttempts) writer.WriteNumber("max_attempts", maxAttempts);
        if (options.Timeout is { } timeout) writer.WriteNumber("timeout_ms", (long)Math.Ceiling(timeout.TotalMilliseconds));
        if (options.Tags is { Count: > 0 } tags)
        {
            writer.WriteStartArray("tags");
            foreach (var tag in tags) writer.WriteStringValue(tag);
            writer.WriteEndArray();
        }
        if ((options.CorrelationId ?? context.CorrelationId) is { } correlationId) writer.WriteString("correlation_id", correlationId);
        if (options.PartitionKey is { } partitionKey) writer.WriteString("partition_key", partitionKey);
        if (options.IdempotencyKey is { } idempotencyKey) writer.WriteString("idempotency_key", idempotencyKey);
        if (options.Id is { } id) writer.WriteNumber("id", id);
        if (options.After is { } after)
        {
            writer.WriteNumber("after", after);
            writer.WriteString("continue_when", options.ContinueWhen == ContinueWhen.Finished ? "finished" : "succeeded");
        }
        var metadata = options.Metadata;
        // The trace context current at enqueue goes with the job, unless the caller set its own.
        var traced = trace is not null && metadata?.ContainsKey(JobsTracing.TraceParentKey) != true;
        if (metadata is { Count: > 0 } || traced)
        {
            writer.WriteStartObject("metadata");
            if (metadata is not null)
            {
                foreach (var (key, value) in metadata) writer.WriteString(key, value);
            }
            if (traced)
            {
                writer.WriteString(JobsTracing.TraceParentKey, trace!.Value.TraceParent);
                if (trace.Value.TraceState is { } state) writer.WriteString(JobsTracing.TraceStateKey, state);
            }
            writer.WriteEndObject();
        }
        writer.WriteEndObject();
    }

    private static readonly EnqueueOptions Defaults = new();
}

/// <summary>
/// What an enqueue takes from its caller's flow besides the request: the correlation id
/// (<see cref="JobCorrelation"/>) and the trace context of the current activity.
/// </summary>
internal readonly record struct EnqueueContext(string? CorrelationId, (string TraceParent, string? TraceState)? Trace)
{
    public static EnqueueContext Current() => new(JobCorrelation.CurrentId, JobsTracing.CurrentContext());
}
