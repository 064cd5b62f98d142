using Jobs.Dashboard.Apis.Contracts;
using Jobs.Dashboard.Security;
using Jobs.Engine.Client;
using Jobs.Engine.States;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Jobs.Dashboard.Apis;

public static partial class JobsApi
{
    private static async Task<Results<Ok<JobActionResponse>, ProblemHttpResult>> RetryAsync(
        long id, HttpContext http, [AsParameters] JobsApiServices services, CancellationToken cancellationToken)
    {
        var problem = await ActAsync(id, http, services, "retry", services.Jobs.RequeueAsync,
            job => ApiProblems.Conflict($"Job {id} is {job.State.ToDb()}: it is queued or running already, so there is nothing to retry."),
            cancellationToken);
        return problem is null ? TypedResults.Ok(new JobActionResponse(id, JobState.Available.ToDb())) : problem;
    }

    private static async Task<Results<Ok<JobActionResponse>, ProblemHttpResult>> CancelAsync(
        long id, HttpContext http, [AsParameters] JobsApiServices services, CancellationToken cancellationToken)
    {
        var problem = await ActAsync(id, http, services, "cancel", services.Jobs.CancelAsync,
            job => ApiProblems.Conflict($"Job {id} is {job.State.ToDb()}: only jobs that have not finished can be cancelled."),
            cancellationToken);
        return problem is null ? TypedResults.Ok(new JobActionResponse(id, JobState.Cancelled.ToDb())) : problem;
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        long id, HttpContext http, [AsParameters] JobsApiServices services, CancellationToken cancellationToken)
    {
        // Refused only when the job went in the meantime.
        var problem = await ActAsync(id, http, services, "delete", services.Jobs.DeleteAsync, _ => ApiProblems.NotFound(id), cancellationToken);
        return problem is null ? TypedResults.NoContent() : problem;
    }

    /// <summary>
    /// One job, by id, within the key's scope (404 otherwise): acts, and audits what it did; the
    /// problem to answer when the job does not exist or the action was refused, else null.
    /// </summary>
    private static async Task<ProblemHttpResult?> ActAsync(long id, HttpContext http, JobsApiServices services, string action,
        Func<long, CancellationToken, Task<bool>> act, Func<JobInfo, ProblemHttpResult> refused, CancellationToken cancellationToken)
    {
        var caller = ApiCaller.From(http);
        var job = await services.Jobs.GetAsync(id, cancellationToken);
        if (job is null || !caller.Sees(job))
        {
            return ApiProblems.NotFound(id);
        }
        if (!await act(id, cancellationToken))
        {
            return refused(job);
        }
        ApiLog.Steered(services.Logger, caller.Name, action, id);
        await services.Audit.RecordAsync(caller.User.Audit($"jobs.{action}", $"job {id}", 1, new { kind = job.Kind, from = job.State.ToDb() }),
            cancellationToken);
        return null;
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
