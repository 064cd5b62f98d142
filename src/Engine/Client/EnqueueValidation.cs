using System.Text.Json;

namespace Jobs.Engine.Client;

/// <summary>
/// Checks a request before it reaches the database, so a bad option fails in the caller's code
/// with an exception naming it (the database checks the same rules for SQL callers).
/// </summary>
internal static class EnqueueValidation
{
    public static void Check(JobRequest request, EnqueueOptions options, int? position)
    {
        var where = position is null ? "" : $"Job {position}: ";
        if (string.IsNullOrEmpty(request.Kind) || request.Kind.Length > 128)
        {
            throw new ArgumentException($"{where}Kind must be 1 to 128 characters (got '{request.Kind}').", nameof(JobRequest.Kind));
        }
        if (request.Args is null)
        {
            throw new ArgumentNullException(nameof(JobRequest.Args), $"{where}Args are required (use an empty record for a kind without arguments).");
        }
        if (request.Args is JsonElement { ValueKind: not JsonValueKind.Object } element)
        {
            throw new ArgumentException($"{where}Args must be a JSON object (got {element.ValueKind}).", nameof(JobRequest.Args));
        }
        if (options.Queue is { } queue && !QueueNames.IsValid(queue))
        {
            Fail(where, nameof(EnqueueOptions.Queue), $"must be 1 to 64 letters, digits or _ . : - (got '{queue}')");
        }
        if (options.Priority is < short.MinValue or > short.MaxValue)
        {
            Fail(where, nameof(EnqueueOptions.Priority), $"must be between {short.MinValue} and {short.MaxValue} (got {options.Priority})");
        }
        if (options.MaxAttempts is < 1 or > short.MaxValue)
        {
            Fail(where, nameof(EnqueueOptions.MaxAttempts), $"must be between 1 and {short.MaxValue} (got {options.MaxAttempts})");
        }
        if (options.Timeout is { } timeout && (timeout <= TimeSpan.Zero || timeout.TotalMilliseconds > int.MaxValue))
        {
            Fail(where, nameof(EnqueueOptions.Timeout), $"must be positive and at most {TimeSpan.FromMilliseconds(int.MaxValue)} (got {timeout})");
        }
        if (options.Delay is { } delay && delay < TimeSpan.Zero)
        {
            Fail(where, nameof(EnqueueOptions.Delay), $"must not be negative (got {delay})");
        }
        if (options.Delay is not null && options.RunAt is not null)
        {
            Fail(where, nameof(EnqueueOptions.RunAt), "and Delay cannot both be set");
        }
        if (options.Tags is { } tags && tags.Any(t => string.IsNullOrEmpty(t) || t.Length > 100))
        {
            Fail(where, nameof(EnqueueOptions.Tags), "must each be 1 to 100 characters");
        }
        if (options.CorrelationId is { Length: > 200 })
        {
            Fail(where, nameof(EnqueueOptions.CorrelationId), "must be at most 200 characters");
        }
        if (options.PartitionKey is { } partitionKey && partitionKey.Length is < 1 or > 200)
        {
            Fail(where, nameof(EnqueueOptions.PartitionKey), "must be 1 to 200 characters");
        }
        if (options.IdempotencyKey is { } key && key.Length is < 1 or > 512)
        {
            Fail(where, nameof(EnqueueOptions.IdempotencyKey), "must be 1 to 512 characters");
        }
        CheckContinuation(where, options);
    }

    private static void CheckContinuation(string where, EnqueueOptions options)
    {
        if (options.After is < 1)
        {
            Fail(where, nameof(EnqueueOptions.After), $"must be the id of the job this one continues (got {options.After})");
        }
        if (!Enum.IsDefined(options.ContinueWhen))
        {
            Fail(where, nameof(EnqueueOptions.ContinueWhen), $"must be Succeeded or Finished (got {options.ContinueWhen})");
        }
        if (options.Id is < 1)
        {
            Fail(where, nameof(EnqueueOptions.Id), $"must be an id reserved with ReserveIdsAsync (got {options.Id})");
        }
    }

    private static void Fail(string where, string option, string problem) =>
        throw new ArgumentException($"{where}EnqueueOptions.{option} {problem}.", option);
}
