using Jobs.Dashboard.Apis.Contracts;
using Jobs.Dashboard.Security;
using Jobs.Engine.Client;
using Jobs.Operators;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Jobs.Dashboard.Apis;

public static partial class JobsApi
{
    private const string IdempotencyHeader = "Idempotency-Key";

    private static async Task<Results<Created<EnqueuedJobResponse>, Ok<EnqueuedJobResponse>, ProblemHttpResult>> EnqueueAsync(
        HttpContext http, [AsParameters] JobsApiServices services, CancellationToken cancellationToken)
    {
        var caller = ApiCaller.From(http);
        var (body, problem) = await JsonBody.ReadAsync<EnqueueJobRequest>(http, services.Options.Value.MaxJobBodyBytes, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }
        var header = http.Request.Headers[IdempotencyHeader].ToString();
        var (requests, refused) = await services.Enqueue.PrepareAsync(caller, [body!], batch: false, header.Length > 0 ? header : null, cancellationToken);
        if (refused is not null)
        {
            Refused(services, caller, refused);
            return refused;
        }

        var (jobs, failed) = await EnqueueAndAuditAsync(services, caller, requests!, results => results[0].Created
            ? caller.User.Audit("jobs.enqueue", $"job {results[0].Id}", 1, new { kind = requests![0].Kind })
            : null, cancellationToken);
        if (failed is not null)
        {
            return failed;
        }
        var job = jobs![0];
        ApiLog.Enqueued(services.Logger, caller.Name, job.Id, requests![0].Kind, job.Created);
        var response = new EnqueuedJobResponse(job.Id, job.Created);
        return job.Created ? TypedResults.Created($"/api/v1/jobs/{job.Id}", response) : TypedResults.Ok(response);
    }

    private static async Task<Results<Created<BatchEnqueueResponse>, Ok<BatchEnqueueResponse>, ProblemHttpResult>> EnqueueBatchAsync(
        HttpContext http, [AsParameters] JobsApiServices services, CancellationToken cancellationToken)
    {
        var caller = ApiCaller.From(http);
        if (http.Request.Headers.ContainsKey(IdempotencyHeader))
        {
            return ApiProblems.Invalid(IdempotencyHeader, "The Idempotency-Key header applies to one job; give each job of a batch its idempotencyKey.");
        }
        var (body, problem) = await JsonBody.ReadAsync<EnqueueJobRequest[]>(http, services.Options.Value.MaxBatchBodyBytes, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }
        if (body!.Length == 0)
        {
            return ApiProblems.Invalid("$", "The batch is empty; send a JSON array of jobs.");
        }
        if (body.Length > services.Options.Value.MaxBatchJobs)
        {
            return ApiProblems.TooLarge($"A batch holds at most {services.Options.Value.MaxBatchJobs:N0} jobs (got {body.Length:N0}); split it.");
        }
        if (Array.IndexOf(body, null) is var missing and >= 0)
        {
            return ApiProblems.Invalid($"[{missing}]", "A job is null; each job of a batch is a JSON object with at least its kind.");
        }
        var (requests, refused) = await services.Enqueue.PrepareAsync(caller, body, batch: true, null, cancellationToken);
        if (refused is not null)
        {
            Refused(services, caller, refused);
            return refused;
        }

        var (jobs, failed) = await EnqueueAndAuditAsync(services, caller, requests!, results => results.Any(j => j.Created)
            ? caller.User.Audit("jobs.enqueue_batch", $"jobs {results.Min(j => j.Id)}..{results.Max(j => j.Id)}", results.Count(j => j.Created),
                new { jobs = results.Count, kinds = requests!.Select(r => r.Kind).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal) })
            : null, cancellationToken);
        if (failed is not null)
        {
            return failed;
        }
        var created = jobs!.Count(j => j.Created);
        ApiLog.EnqueuedBatch(services.Logger, caller.Name, jobs!.Count, created);
        var response = new BatchEnqueueResponse(jobs.Select(j => new EnqueuedJobResponse(j.Id, j.Created)).ToList(), created);
        return created > 0 ? TypedResults.Created((string?)null, response) : TypedResults.Ok(response);
    }

    /// <summary>
    /// Enqueues in one transaction with the audit record of what was new (none when every job was a
    /// replay): the jobs exist if and only if their record does, for one commit.
    /// </summary>
    private static async Task<(IReadOnlyList<EnqueuedJob>? Jobs, ProblemHttpResult? Problem)> EnqueueAndAuditAsync(JobsApiServices services,
        ApiCaller caller, IReadOnlyList<JobRequest> requests, Func<IReadOnlyList<EnqueuedJob>, AuditEntry?> audit, CancellationToken cancellationToken)
    {
        await using var connection = await services.Database.DataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        IReadOnlyList<EnqueuedJob> jobs;
        try
        {
            jobs = await services.Jobs.EnqueueManyAsync(transaction, requests, cancellationToken);
        }
        catch (ArgumentException e)
        {
            // The database's own checks (the same rules as the client's, for SQL callers).
            return (null, ApiProblems.Invalid("$", ApiProblems.MessageOf(e)));
        }
        // A replay returns the job that holds the key: of the same kind, but maybe in a queue a
        // queue-limited key may not see. Then nothing of the request goes in.
        if (caller.Key.Queues is not null)
        {
            for (var i = 0; i < jobs.Count; i++)
            {
                if (!jobs[i].Created && await services.Jobs.GetAsync(jobs[i].Id, cancellationToken) is { } held && !caller.Sees(held))
                {
                    return (null, ApiProblems.Conflict(
                        $"{(jobs.Count > 1 ? $"Job [{i}]: t" : "T")}he idempotency key is held by a job outside this API key's queues."));
                }
            }
        }
        if (audit(jobs) is { } entry)
        {
            await services.Audit.RecordAsync(transaction, entry, cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return (jobs, null);
    }

    private static void Refused(JobsApiServices services, ApiCaller caller, ProblemHttpResult refused)
    {
        if (refused.StatusCode == StatusCodes.Status403Forbidden)
        {
            ApiLog.OutOfScope(services.Logger, caller.Name, refused.ProblemDetails.Detail ?? "");
        }
    }
}
