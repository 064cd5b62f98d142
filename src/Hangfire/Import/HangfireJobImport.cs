using System.Globalization;
using System.Text.Json;
using Hangfire.Common;
using Hangfire.Storage;
using Jobs.Engine.Client;
using Jobs.Engine.States;
using Jobs.Hangfire.Client;
using Jobs.Hangfire.Storage;

namespace Jobs.Hangfire.Import;

/// <summary>
/// One Hangfire.PostgreSql job as the engine job it becomes. Enqueued → available in its queue;
/// Scheduled → scheduled at its EnqueueAt; Scheduled and in the <c>retries</c> set → retrying at its
/// EnqueueAt, with its RetryCount as attempts spent and its latest Failed state as the last error;
/// Failed → dead with that error. The job's attributes ([AutomaticRetry], [Queue],
/// [DisableConcurrentExecution]) are read when its type loads in this process, else Hangfire's
/// defaults apply (<see cref="HangfireJobPolicy.WithoutCode"/>).
/// </summary>
internal static class HangfireJobImport
{
    public static (ImportedJob Job, string Category) Map(SourceJob source, JobsStorage storage, string idempotencyKey)
    {
        var data = SerializationHelper.Deserialize<InvocationData>(source.Invocation)
            ?? throw new FormatException("its invocation data is empty.");
        // Hangfire.PostgreSql keeps the arguments in a column of their own (as GetJobData reads them).
        data.Arguments = source.Arguments;
        var parameters = source.Parameters is null
            ? new Dictionary<string, string?>()
            : JsonSerializer.Deserialize<Dictionary<string, string?>>(source.Parameters) ?? [];
        var retries = parameters.Remove(JobsStorageConnection.RetryCountParameter, out var count)
            && int.TryParse(count?.Trim('"'), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;
        var state = Read(source.StateData);

        Job? job;
        try
        {
            job = data.DeserializeJob();
        }
        catch (JobLoadException)
        {
            job = null;
        }
        var policy = job is null ? HangfireJobPolicy.WithoutCode : HangfireJobPolicy.For(job, storage.FilterProvider);
        var sourceQueue = source.Queue ?? state.GetValueOrDefault("Queue");
        var queue = source.State == "Enqueued" || job is null
            ? sourceQueue ?? data.Queue ?? global::Hangfire.States.EnqueuedState.DefaultQueue
            : policy.QueueFor(job, null);

        var metadata = new Dictionary<string, string>
        {
            ["imported_from"] = "hangfire",
            ["hangfire_job_id"] = source.Id.ToString(CultureInfo.InvariantCulture),
            ["hangfire_created_at"] = DateTime.SpecifyKind(source.CreatedAt, DateTimeKind.Utc).ToString("O", CultureInfo.InvariantCulture),
        };
        if (policy.DisplayName is { } displayName)
        {
            metadata[JobMetadata.DisplayName] = displayName;
        }
        if (parameters.GetValueOrDefault("RecurringJobId") is { } recurring
            && SerializationHelper.Deserialize<string>(recurring, SerializationOption.User) is { } schedule)
        {
            metadata["schedule"] = schedule;
        }

        var (category, engineState, runAt, attempts, error) = source.State switch
        {
            "Enqueued" => ("enqueued", JobState.Available, (DateTimeOffset?)null, 0, (JobError?)null),
            "Scheduled" when source.Retrying => ("retrying", JobState.Retrying, Time(state, "EnqueueAt"), Math.Max(retries, 1),
                ErrorOf(Read(source.LastFailure), Math.Max(retries, 1), source.Reason)),
            "Scheduled" => ("scheduled", JobState.Scheduled, Time(state, "EnqueueAt"), 0, null),
            "Failed" => ("failed", JobState.Dead, null, retries + 1, ErrorOf(state, retries + 1, source.Reason)),
            _ => throw new InvalidOperationException($"the {source.State} state is not imported."),
        };
        var maxAttempts = engineState == JobState.Retrying ? Math.Max(policy.MaxAttempts, attempts + 1) : Math.Max(policy.MaxAttempts, attempts);
        var request = new JobRequest(policy.Kind, policy.Args(HangfireInvocation.ToArgs(data, parameters.Count > 0 ? parameters : null)), new EnqueueOptions
        {
            Queue = queue,
            RunAt = runAt,
            MaxAttempts = Math.Min(maxAttempts, short.MaxValue),
            PartitionKey = policy.PartitionKey,
            IdempotencyKey = idempotencyKey,
            Metadata = metadata,
        });
        return (new ImportedJob(request) { State = engineState, AttemptsSpent = attempts, LastError = error }, category);
    }

    private static Dictionary<string, string> Read(string? stateData) =>
        stateData is null ? [] : JsonSerializer.Deserialize<Dictionary<string, string>>(stateData) ?? [];

    private static DateTimeOffset Time(IReadOnlyDictionary<string, string> state, string key) =>
        JobHelper.DeserializeNullableDateTime(state.GetValueOrDefault(key)) is { } time
            ? new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc))
            : throw new FormatException($"its state has no {key} time.");

    /// <summary>A Failed state's data as the engine's error entry (none recorded: the state's reason).</summary>
    private static JobError ErrorOf(IReadOnlyDictionary<string, string> failed, int attempt, string? reason) => new(
        attempt,
        JobHelper.DeserializeNullableDateTime(failed.GetValueOrDefault("FailedAt")) is { } at
            ? new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc))
            : DateTimeOffset.UtcNow,
        failed.GetValueOrDefault("ServerId"),
        failed.GetValueOrDefault("ExceptionType") ?? "Hangfire",
        failed.GetValueOrDefault("ExceptionMessage") ?? reason ?? "failed in Hangfire",
        failed.GetValueOrDefault("ExceptionDetails"),
        null);
}
