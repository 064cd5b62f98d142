using Jobs.Dashboard.Apis.Contracts;
using Jobs.Dashboard.Security;
using Jobs.Engine.Client;
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

        EnqueuedJob job;
        try
        {
            job = await services.Jobs.EnqueueAsync(requests![0], cancellationToken);
        }
        catch (ArgumentException e)
        {
            // The database's own checks (the same rules as the client's, for SQL callers).
            return ApiProblems.Invalid("$", ApiProblems.MessageOf(e));
        }
        ApiLog.Enqueued(services.Logger, caller.Name, job.Id, requests[0].Kind, job.Created);
        if (job.Created)
        {
            await services.Audit.RecordAsync(caller.User.Audit("jobs.enqueue", $"job {job.Id}", 1, new { kind = requests[0].Kind }), cancellationToken);
        }
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
        var (requests, refused) = await services.Enqueue.PrepareAsync(caller, body, batch: true, null, cancellationToken);
        if (refused is not null)
        {
            Refused(services, caller, refused);
            return refused;
        }

        IReadOnlyList<EnqueuedJob> jobs;
        try
        {
            jobs = await services.Jobs.EnqueueManyAsync(requests!, cancellationToken);
        }
        catch (ArgumentException e)
        {
            return ApiProblems.Invalid("$", ApiProblems.MessageOf(e));
        }
        var created = jobs.Count(j => j.Created);
        ApiLog.EnqueuedBatch(services.Logger, caller.Name, jobs.Count, created);
        if (created > 0)
        {
            var kinds = requests!.Select(r => r.Kind).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            await services.Audit.RecordAsync(caller.User.Audit("jobs.enqueue_batch", $"jobs {jobs.Min(j => j.Id)}..{jobs.Max(j => j.Id)}", created,
                new { jobs = jobs.Count, created, kinds }), cancellationToken);
        }
        var response = new BatchEnqueueResponse(jobs.Select(j => new EnqueuedJobResponse(j.Id, j.Created)).ToList(), created);
        return created > 0 ? TypedResults.Created((string?)null, response) : TypedResults.Ok(response);
    }

    private static void Refused(JobsApiServices services, ApiCaller caller, ProblemHttpResult refused)
    {
        if (refused.StatusCode == StatusCodes.Status403Forbidden)
        {
            ApiLog.OutOfScope(services.Logger, caller.Name, refused.ProblemDetails.Detail ?? "");
        }
    }
}
