using System.Globalization;
using Jobs.Dashboard.Apis.Contracts;
using Jobs.Engine.Monitoring;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Jobs.Dashboard.Apis;

public static partial class JobsApi
{
    private static async Task<Results<Ok<JobResponse>, ProblemHttpResult>> GetAsync(
        long id, HttpContext http, [AsParameters] JobsApiServices services, CancellationToken cancellationToken)
    {
        var caller = ApiCaller.From(http);
        var job = await services.Jobs.GetAsync(id, cancellationToken);
        return job is not null && caller.Sees(job) ? TypedResults.Ok(JobResponse.From(job)) : ApiProblems.NotFound(id);
    }

    private static async Task<Results<Ok<JobListResponse>, ProblemHttpResult>> ListAsync(
        [AsParameters] ListJobsQuery query, HttpContext http, [AsParameters] JobsApiServices services, CancellationToken cancellationToken)
    {
        var caller = ApiCaller.From(http);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var filter = JobFilters.FromQuery(query, errors);
        var limit = 50;
        if (query.Limit is { Length: > 0 } text && (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > 500))
        {
            errors["limit"] = [$"limit must be a whole number from 1 to 500 (got '{text}')."];
        }
        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(errors);
        }
        if (caller.Narrow(filter) is not { } scoped)
        {
            // Only kinds or queues outside the key's scope were asked for.
            return TypedResults.Ok(JobListResponse.Empty);
        }
        try
        {
            var page = await services.Monitor.ListAsync(new JobQuery { Filter = scoped, Cursor = query.Cursor, Limit = limit }, cancellationToken);
            return TypedResults.Ok(JobListResponse.From(page));
        }
        catch (ArgumentException e) when (query.Cursor is not null)
        {
            return ApiProblems.Invalid("cursor", ApiProblems.MessageOf(e));
        }
    }
}
