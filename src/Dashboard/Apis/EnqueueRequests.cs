using Microsoft.AspNetCore.Http.HttpResults;
using System.Globalization;
using System.Text.Json;
using System.Xml;
using Jobs.Dashboard.Apis.Contracts;
using Jobs.Engine.Client;
using Jobs.Engine.Handlers;

namespace Jobs.Dashboard.Apis;

/// <summary>
/// Turns enqueue requests from outside into the engine's <see cref="JobRequest"/>s, refusing what
/// must not go in before anything is stored: an unknown kind or bad options or arguments (400,
/// naming each field), a kind or queue outside the API key's scope (403, naming it).
/// </summary>
internal sealed class EnqueueRequests(JobKindCatalog catalog, KindQueues kindQueues)
{
    /// <summary>Problems reported at most, so a batch of 10,000 bad jobs answers with a readable document.</summary>
    private const int MaxErrors = 100;

    private static readonly JsonElement EmptyArgs = JsonDocument.Parse("{}").RootElement.Clone();

    /// <param name="caller">The API key.</param>
    /// <param name="jobs">The jobs of the request.</param>
    /// <param name="batch">True for a batch: error keys start with the job's index (<c>[2].queue</c>).</param>
    /// <param name="idempotencyHeader">The <c>Idempotency-Key</c> header of a single enqueue.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<(IReadOnlyList<JobRequest>? Requests, ProblemHttpResult? Problem)> PrepareAsync(
        ApiCaller caller, IReadOnlyList<EnqueueJobRequest> jobs, bool batch, string? idempotencyHeader, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        string Key(int index, string field) => batch ? $"[{index}]{(field.StartsWith('[') ? "" : ".")}{field}" : field;
        void Error(int index, string field, string message)
        {
            if (errors.Count < MaxErrors)
            {
                errors.TryAdd(Key(index, field), [message]);
            }
        }

        // Kinds first: nothing else about a job can be judged without its kind.
        for (var i = 0; i < jobs.Count; i++)
        {
            switch (jobs[i].Kind)
            {
                case null or "":
                    Error(i, "kind", "kind is required.");
                    break;
                case var kind when StorableText.Problem(kind) is { } problem:
                    Error(i, "kind", $"kind {problem}.");
                    break;
                case var kind when catalog.ArgsType(kind) is null:
                    Error(i, "kind", $"Unknown kind '{kind}'. Known kinds: {string.Join(", ", caller.KindsWithin(catalog.Kinds))}.");
                    break;
            }
        }
        if (errors.Count > 0)
        {
            return (null, ApiProblems.Invalid(errors));
        }

        // Then the key's scope, before its arguments are looked at.
        for (var i = 0; i < jobs.Count; i++)
        {
            if (OutOfScope(caller, jobs[i].Kind!, jobs[i].Queue, batch ? i : null) is { } refused)
            {
                return (null, refused);
            }
        }

        var requests = new JobRequest[jobs.Count];
        for (var i = 0; i < jobs.Count; i++)
        {
            var job = jobs[i];
            var index = i;
            var args = job.Args ?? EmptyArgs;
            // Text the database cannot store is named first: binding would not notice it, and reading
            // text that is not UTF-8 fails.
            if (StorableText.Find(args) is { } unstorable)
            {
                var field = JsonBody.Under("args", unstorable.Path);
                Error(i, field, $"{field} {unstorable.Problem}.");
                continue;
            }
            foreach (var problem in catalog.Validate(job.Kind!, args))
            {
                var field = JsonBody.Field(problem.Path);
                Error(i, field == "$" ? "args" : field.StartsWith('[') ? "args" + field : "args." + field, problem.Message);
            }
            var options = Options(job, batch ? null : idempotencyHeader, (field, message) => Error(index, field, message));
            if (options is null)
            {
                continue;
            }
            var request = new JobRequest(job.Kind!, args, options);
            try
            {
                request.Validate();
            }
            catch (ArgumentException e)
            {
                var field = FieldOf(e.ParamName, job, idempotencyHeader is not null && job.IdempotencyKey is null);
                Error(i, field, Message(e, field));
            }
            requests[i] = request;
        }
        if (errors.Count > 0)
        {
            return (null, ApiProblems.Invalid(errors));
        }

        // A key limited to queues: a job that names no queue goes to its kind's; check that one,
        // and name it on the job so what was checked is what is stored.
        if (caller.Key.Queues is not null && requests.Any(r => r.Options!.Queue is null))
        {
            var queues = await kindQueues.DefaultQueuesAsync(requests.Where(r => r.Options!.Queue is null).Select(r => r.Kind), cancellationToken);
            for (var i = 0; i < requests.Length; i++)
            {
                if (requests[i].Options!.Queue is null)
                {
                    var queue = queues[requests[i].Kind];
                    if (OutOfScope(caller, requests[i].Kind, queue, batch ? i : null) is { } refused)
                    {
                        return (null, refused);
                    }
                    requests[i] = requests[i] with { Options = requests[i].Options! with { Queue = queue } };
                }
            }
        }
        return (requests, null);
    }

    /// <summary>403 naming the kind or queue the key may not use; null when it may.</summary>
    public static ProblemHttpResult? OutOfScope(ApiCaller caller, string kind, string? queue, int? index)
    {
        var where = index is null ? "" : $"Job [{index}]: ";
        if (caller.Key.Kinds is { } kinds && !kinds.Contains(kind, StringComparer.Ordinal))
        {
            return ApiProblems.Forbidden($"{where}this API key may not enqueue kind '{kind}' (its kinds: {string.Join(", ", kinds)}).",
                new Dictionary<string, object?> { ["kind"] = kind, ["job"] = index });
        }
        if (queue is not null && caller.Key.Queues is { } queues && !queues.Contains(queue, StringComparer.Ordinal))
        {
            return ApiProblems.Forbidden($"{where}this API key may not enqueue to queue '{queue}' (its queues: {string.Join(", ", queues)}).",
                new Dictionary<string, object?> { ["queue"] = queue, ["job"] = index });
        }
        return null;
    }

    private static EnqueueOptions? Options(EnqueueJobRequest job, string? idempotencyHeader, Action<string, string> error)
    {
        var ok = true;
        void Fail(string field, string message)
        {
            ok = false;
            error(field, message);
        }

        if (job.DelaySeconds is not null && job.Delay is not null)
        {
            Fail("delay", "Give delay or delaySeconds, not both.");
        }
        if (job.RunAt is not null && (job.DelaySeconds is not null || job.Delay is not null))
        {
            Fail("runAt", "Give runAt or a delay (delay, delaySeconds), not both.");
        }
        var delay = job.DelaySeconds is { } seconds ? Seconds(seconds, "delaySeconds", Fail)
            : job.Delay is { } text ? Duration(text, Fail)
            : null;
        var timeout = job.TimeoutSeconds is { } timeoutSeconds ? Seconds(timeoutSeconds, "timeoutSeconds", Fail) : null;
        if (idempotencyHeader is not null && job.IdempotencyKey is not null && idempotencyHeader != job.IdempotencyKey)
        {
            Fail("idempotencyKey", "The Idempotency-Key header and idempotencyKey differ; give one of them.");
        }
        return ok
            ? new EnqueueOptions
            {
                Queue = job.Queue,
                Priority = job.Priority,
                RunAt = job.RunAt,
                Delay = delay,
                MaxAttempts = job.MaxAttempts,
                Timeout = timeout,
                Tags = job.Tags,
                CorrelationId = job.CorrelationId,
                PartitionKey = job.PartitionKey,
                IdempotencyKey = job.IdempotencyKey ?? idempotencyHeader,
                Metadata = job.Metadata,
            }
            : null;
    }

    private static TimeSpan? Seconds(double seconds, string field, Action<string, string> fail)
    {
        // Up to about 31 years; the engine checks the sign and its own limits.
        if (Math.Abs(seconds) > 1e9)
        {
            fail(field, $"{field} is too large (got {seconds.ToString(CultureInfo.InvariantCulture)}).");
            return null;
        }
        return TimeSpan.FromSeconds(seconds);
    }

    private static TimeSpan? Duration(string text, Action<string, string> fail)
    {
        if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }
        try
        {
            return text.StartsWith('P') ? XmlConvert.ToTimeSpan(text) : throw new FormatException();
        }
        catch (FormatException)
        {
            fail("delay", $"'{text}' is not a duration; use 00:05:00 (hh:mm:ss) or ISO 8601 PT5M.");
            return null;
        }
        catch (OverflowException)
        {
            fail("delay", $"'{text}' is longer than any delay a job may have ({EnqueueLimits.MaxDelay.TotalDays:0} days).");
            return null;
        }
    }

    /// <summary>The request field an engine option error is about (the client names the option as ParamName).</summary>
    private static string FieldOf(string? option, EnqueueJobRequest job, bool keyFromHeader) => option switch
    {
        nameof(EnqueueOptions.Delay) => job.Delay is not null ? "delay" : "delaySeconds",
        nameof(EnqueueOptions.Timeout) => "timeoutSeconds",
        nameof(EnqueueOptions.IdempotencyKey) when keyFromHeader => "Idempotency-Key",
        null or "" => "$",
        _ => JsonNamingPolicy.CamelCase.ConvertName(option),
    };

    private static string Message(ArgumentException e, string field)
    {
        var message = ApiProblems.MessageOf(e);
        return e.ParamName is null ? message : message.Replace($"EnqueueOptions.{e.ParamName}", field, StringComparison.Ordinal);
    }
}
