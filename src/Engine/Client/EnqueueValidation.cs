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
        var where = Where(position);
        if (string.IsNullOrEmpty(request.Kind) || request.Kind.Length > 128)
        {
            throw new ArgumentException($"{where}Kind must be 1 to 128 characters (got '{request.Kind}').", nameof(JobRequest.Kind));
        }
        if (StorableText.Problem(request.Kind) is { } kindProblem)
        {
            throw new ArgumentException($"{where}Kind {kindProblem}.", nameof(JobRequest.Kind));
        }
        if (request.Args is null)
        {
            throw new ArgumentNullException(nameof(JobRequest.Args), $"{where}Args are required (use an empty record for a kind without arguments).");
        }
        if (request.Args is JsonElement element)
        {
            if (element.ValueKind != JsonValueKind.Object)
            {
                throw new ArgumentException($"{where}Args must be a JSON object (got {element.ValueKind}).", nameof(JobRequest.Args));
            }
            // Typed args are checked once serialized (EnqueueJson); JSON given as such is checked here,
            // so that JobRequest.Validate names the problem before anything is sent.
            if (StorableText.Find(element) is { } found)
            {
                throw ArgsProblem(position, found);
            }
        }
        if (options.Queue is { } queue && !QueueNames.IsValid(queue))
        {
            Fail(where, nameof(EnqueueOptions.Queue), $"must be 1 to 64 letters, digits or _ . : - (got {Quoted(queue)})");
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
        if (options.Delay is { } longDelay && longDelay > EnqueueLimits.MaxDelay)
        {
            Fail(where, nameof(EnqueueOptions.Delay), $"must be at most {EnqueueLimits.MaxDelay.TotalDays:0} days (10 years) (got {longDelay})");
        }
        if (options.Delay is not null && options.RunAt is not null)
        {
            Fail(where, nameof(EnqueueOptions.RunAt), "and Delay cannot both be set");
        }
        if (options.RunAt is { } runAt)
        {
            CheckRunAt(where, runAt);
        }
        if (options.Tags is { } tags)
        {
            if (tags.Count > EnqueueLimits.MaxTags)
            {
                Fail(where, nameof(EnqueueOptions.Tags), $"must be at most {EnqueueLimits.MaxTags} tags (got {tags.Count})");
            }
            if (tags.Any(t => string.IsNullOrEmpty(t) || t.Length > EnqueueLimits.MaxTagLength))
            {
                Fail(where, nameof(EnqueueOptions.Tags), $"must each be 1 to {EnqueueLimits.MaxTagLength} characters");
            }
            CheckText(where, nameof(EnqueueOptions.Tags), tags);
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
        CheckText(where, nameof(EnqueueOptions.CorrelationId), [options.CorrelationId]);
        CheckText(where, nameof(EnqueueOptions.PartitionKey), [options.PartitionKey]);
        CheckText(where, nameof(EnqueueOptions.IdempotencyKey), [options.IdempotencyKey]);
        if (options.Metadata is { } metadata)
        {
            foreach (var (name, value) in metadata)
            {
                if (StorableText.Problem(name) is { } nameProblem)
                {
                    Fail(where, nameof(EnqueueOptions.Metadata), $"key {Quoted(name)} {nameProblem}");
                }
                if (StorableText.Problem(value) is { } valueProblem)
                {
                    Fail(where, nameof(EnqueueOptions.Metadata), $"[{Quoted(name)}] {valueProblem}");
                }
            }
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

    /// <summary>The exception for arguments holding text PostgreSQL cannot store, naming where in them it is.</summary>
    public static ArgumentException ArgsProblem(int? position, (string Path, string Problem) found) =>
        new($"{Where(position)}Args{(found.Path.Length == 0 || found.Path[0] == '[' ? "" : ".")}{found.Path} {found.Problem}.", nameof(JobRequest.Args));

    /// <summary>How a message names the job of a batch: "Job 3: ".</summary>
    private static string Where(int? position) => position is null ? "" : $"Job {position}: ";

    private static void CheckRunAt(string where, DateTimeOffset runAt)
    {
        // A coarse window: the client's clock is good enough for it (the database checks SQL callers by its own).
        if (runAt < EnqueueLimits.EarliestRunAt)
        {
            Fail(where, nameof(EnqueueOptions.RunAt), $"must not be before 2000-01-01T00:00:00Z (got {Iso(runAt)}); any later time in the past means now");
        }
        if (runAt > DateTimeOffset.UtcNow + EnqueueLimits.MaxDelay)
        {
            Fail(where, nameof(EnqueueOptions.RunAt), $"must be at most {EnqueueLimits.MaxDelay.TotalDays:0} days (10 years) from now (got {Iso(runAt)})");
        }
    }

    private static void CheckText(string where, string option, IEnumerable<string?> values)
    {
        foreach (var value in values)
        {
            if (StorableText.Problem(value) is { } problem)
            {
                Fail(where, option, problem);
            }
        }
    }

    private static string Iso(DateTimeOffset at) => at.ToString("O", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A value as a JSON string, so the message shows a NUL or a lone surrogate as an escape rather than carrying it.</summary>
    private static string Quoted(string value) => JsonSerializer.Serialize(value);

    private static void Fail(string where, string option, string problem) =>
        throw new ArgumentException($"{where}EnqueueOptions.{option} {problem}.", option);
}
