using Jobs.Dashboard.Apis.Contracts;
using Jobs.Dashboard.Security;

namespace Jobs.Dashboard.Apis;

/// <summary>
/// The HTTP API for other applications, under <c>/api/v1</c> (docs/api.md): enqueue (one job or a
/// batch), read and list jobs, retry, cancel, delete, requeue by filter, publish webhook messages.
/// Every route needs an API key (<c>Authorization: Bearer jobs_...</c>) and stays within its kinds
/// and queues; steering needs a key with the operator role. The OpenAPI document is at
/// <c>/openapi/v1.json</c>.
/// </summary>
public static partial class JobsApi
{
    /// <summary>The policy of the OpenAPI document: any API key, or any signed-in operator.</summary>
    public const string ApiDocsPolicy = "api-docs";

    private const string JsonType = "application/json";

    /// <summary>The API's services and its OpenAPI document.</summary>
    public static IServiceCollection AddJobsApi(this IServiceCollection services)
    {
        services.AddSingleton<KindQueues>();
        services.AddSingleton<EnqueueRequests>();
        services.AddSingleton<ScheduleDefinitions>();
        // The default scheme picks the key scheme for a bearer key and the cookie otherwise, so an
        // application reads it with its key and an operator in the browser (signing in first if need be).
        services.AddAuthorizationBuilder().AddPolicy(ApiDocsPolicy, p => p.RequireAuthenticatedUser());
        services.AddOpenApi("v1", o =>
        {
            o.ShouldInclude = d => d.RelativePath?.StartsWith("api/v1/", StringComparison.Ordinal) == true
                || d.RelativePath == "api/v1";
            o.AddDocumentTransformer<OpenApiSecurity>();
            o.AddOperationTransformer<OpenApiHeaders>();
        });
        return services;
    }

    /// <summary>The API's routes, a 401/404 problem+json for any other path under <c>/api</c>, and the OpenAPI document.</summary>
    public static WebApplication MapJobsApi(this WebApplication app)
    {
        var api = app.MapGroup("/api/v1")
            .RequireAuthorization(DashboardPolicies.ApiProducer)
            .AddEndpointFilter<CorrelationIdFilter>()
            .ProducesProblem(StatusCodes.Status401Unauthorized);

        var jobs = api.MapGroup("/jobs").WithTags("Jobs");
        jobs.MapPost("", EnqueueAsync).WithName("EnqueueJob")
            .WithSummary("Enqueue one job")
            .WithDescription("201 with the new job's id; 200 with the existing job's id when a job of the kind holds the idempotency key " +
                "(idempotencyKey or the Idempotency-Key header). The job carries the request's X-Correlation-ID unless the body names one.")
            .AcceptsJson<EnqueueJobRequest>()
            .ProducesProblem(StatusCodes.Status409Conflict);
        jobs.MapPost("/batch", EnqueueBatchAsync).WithName("EnqueueJobs")
            .WithSummary("Enqueue many jobs in one statement, all or none")
            .WithDescription("A JSON array of jobs (as for one job). Results are in the order of the request. " +
                "Error keys start with the job's index, e.g. [3].args.amount.")
            .AcceptsJson<EnqueueJobRequest[]>()
            .ProducesProblem(StatusCodes.Status409Conflict);
        jobs.MapGet("", ListAsync).WithName("ListJobs")
            .WithSummary("List jobs matching a filter, a page at a time")
            .WithDescription("Keyset pages: pass nextCursor as cursor for the next page. When scannedDownTo is set the page stopped " +
                "at its scan window, not at the end of the list.")
            .ProducesValidationProblem();
        jobs.MapGet("/{id:long}", GetAsync).WithName("GetJob")
            .WithSummary("Read a job, with its arguments and every failed attempt")
            .ProducesProblem(StatusCodes.Status404NotFound);
        jobs.MapPost("/{id:long}/retry", RetryAsync).WithName("RetryJob")
            .WithSummary("Make a job available now: retry a dead or cancelled job, run a scheduled one now, re-run a succeeded one")
            .ForOperators()
            .ProducesProblem(StatusCodes.Status409Conflict);
        jobs.MapPost("/{id:long}/cancel", CancelAsync).WithName("CancelJob")
            .WithSummary("Cancel a job that has not finished (a running job's cancellation token fires)")
            .ForOperators()
            .ProducesProblem(StatusCodes.Status409Conflict);
        jobs.MapDelete("/{id:long}", DeleteAsync).WithName("DeleteJob")
            .WithSummary("Delete a job in any state")
            .ForOperators();
        jobs.MapPost("/requeue", RequeueAsync).WithName("RequeueJobs")
            .WithSummary("Requeue every job matching a filter, in one statement")
            .WithDescription("Makes matching jobs available now (dead, cancelled, scheduled, retrying and succeeded ones; available and " +
                "running jobs are left alone). Name states to limit it, e.g. {\"states\": [\"dead\"]}. Returns how many.")
            .RequireAuthorization(DashboardPolicies.ApiOperator)
            .AcceptsJson<JobFilterRequest>();

        api.MapGroup("/webhooks").WithTags("Webhooks")
            .MapPost("/messages", PublishWebhookAsync).WithName("PublishWebhookMessage")
            .WithSummary("Publish a webhook message to every enabled endpoint subscribed to its event type")
            .WithDescription("One webhook.deliver job per endpoint, enqueued with the message in one transaction. " +
                "201 when published; 200 when the message id was published before. The key must allow kind webhook.deliver.")
            .AcceptsJson<PublishWebhookRequest>();
        MapWebhookEndpoints(api);
        MapSchedules(api);

        // Any other path under /api answers as the API does (401, 404 or 415 problem+json), never
        // with the pages' login redirect. Routing sends here too a request whose body is not JSON
        // (the routes accept only JSON), and one with a method its path does not take.
        app.MapFallback("/api/{**path}", (HttpContext http) =>
                http.Request.ContentType is { Length: > 0 } && !http.Request.HasJsonContentType()
                    ? ApiProblems.UnsupportedMediaType()
                    : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such route.",
                        detail: $"There is no API route {http.Request.Method} {http.Request.Path}; see /openapi/v1.json."))
            .RequireAuthorization(DashboardPolicies.ApiProducer)
            .ExcludeFromDescription();

        app.MapOpenApi().RequireAuthorization(ApiDocsPolicy);
        return app;
    }

    /// <summary>A route that reads a JSON body: what it accepts and the problems a body can cause.</summary>
    private static RouteHandlerBuilder AcceptsJson<TBody>(this RouteHandlerBuilder route) where TBody : notnull =>
        route.Accepts<TBody>(JsonType)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

    /// <summary>A route for operator keys only, on a job within the key's scope.</summary>
    private static RouteHandlerBuilder ForOperators(this RouteHandlerBuilder route) =>
        route.RequireAuthorization(DashboardPolicies.ApiOperator)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
}
