using Jobs.Dashboard.Apis.Contracts;
using Jobs.Dashboard.Security;
using Jobs.Engine.States;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Jobs.Dashboard.Apis;

public static partial class JobsApi
{
    private static async Task<Results<Ok<JobActionResponse>, ProblemHttpResult>> RetryAsync(
        long id, HttpContext http, [AsParameters] JobsApiServices services, CancellationToken cancellationToken)
    {
        var caller = ApiCaller.From(http);
        var job = await services.Jobs.GetAsync(id, cancellationToken);
        if (job is null || !caller.Sees(job))
        {
            return ApiProblems.NotFound(id);
        }
        if (!await services.Jobs.RequeueAsync(id, cancellationToken))
        {
            return ApiProblems.Conflict($"Job {id} is {job.State.ToDb()}: it is queued or running already, so there is nothing to retry.");
        }
        ApiLog.Steered(services.Logger, caller.Name, "retried", id);
        await services.Audit.RecordAsync(caller.User.Audit("jobs.retry", $"job {id}", 1, new { kind = job.Kind, from = job.State.ToDb() }), cancellationToken);
        return TypedResults.Ok(new JobActionResponse(id, JobState.Available.ToDb()));
    }

    private static async Task<Results<Ok<JobActionResponse>, ProblemHttpResult>> CancelAsync(
        long id, HttpContext http, [AsParameters] JobsApiServices services, CancellationToken cancellationToken)
    {
        var caller = ApiCaller.From(http);
        var job = await services.Jobs.GetAsync(id, cancellationToken);
        if (job is null || !caller.Sees(job))
        {
            return ApiProblems.NotFound(id);
        }
        if (!await services.Jobs.CancelAsync(id, cancellationToken))
        {
            return ApiProblems.Conflict($"Job {id} is {job.State.ToDb()}: only jobs that have not finished can be cancelled.");
        }
        ApiLog.Steered(services.Logger, caller.Name, "cancelled", id);
        await services.Audit.RecordAsync(caller.User.Audit("jobs.cancel", $"job {id}", 1, new { kind = job.Kind, from = job.State.ToDb() }), cancellationToken);
        return TypedResults.Ok(new JobActionResponse(id, JobState.Cancelled.ToDb()));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        long id, HttpContext http, [AsParameters] JobsApiServices services, CancellationToken cancellationToken)
    {
        var caller = ApiCaller.From(http);
        var job = await services.Jobs.GetAsync(id, cancellationToken);
        if (job is null || !caller.Sees(job) || !await services.Jobs.DeleteAsync(id, cancellationToken))
        {
            return ApiProblems.NotFound(id);
        }
        ApiLog.Steered(services.Logger, caller.Name, "deleted", id);
        await services.Audit.RecordAsync(caller.User.Audit("jobs.delete", $"job {id}", 1, new { kind = job.Kind, from = job.State.ToDb() }), cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<RequeueResponse>, ProblemHttpResult>> RequeueAsync(
        HttpContext http, [AsParameters] JobsApiServices services, CancellationToken cancellationToken)
    {
        var caller = ApiCaller.From(http);
        var (body, problem) = await JsonBody.ReadAsync<JobFilterRequest>(http, services.Options.Value.MaxJobBodyBytes, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var filter = JobFilters.FromBody(body!, errors);
        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(errors);
        }
        if (filter.IsEmpty)
        {
            return ApiProblems.Invalid("$", "The filter is empty: name at least one criterion, e.g. {\"states\": [\"dead\"], \"kinds\": [\"payment.capture\"]}.");
        }
        var scoped = caller.Narrow(filter);
        // One set-based statement in the engine, whatever the number of jobs.
        var requeued = scoped is null ? 0 : await services.Jobs.RequeueManyAsync(scoped, cancellationToken);
        var described = JobFilters.Describe(scoped ?? filter);
        ApiLog.RequeuedMany(services.Logger, caller.Name, requeued, described);
        await services.Audit.RecordAsync(caller.User.Audit("jobs.requeue", described, requeued), cancellationToken);
        return TypedResults.Ok(new RequeueResponse(requeued));
    }
}
