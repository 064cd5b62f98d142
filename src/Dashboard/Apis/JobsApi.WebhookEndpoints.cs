using Jobs.Dashboard.Apis.Contracts;
using Jobs.Dashboard.Security;
using Jobs.Webhooks;
using Microsoft.AspNetCore.Http.HttpResults;
using Jobs.Engine.Client;

namespace Jobs.Dashboard.Apis;

/// <summary>
/// Webhook endpoints without code: create (the signing secret answered once), list, read, change,
/// delete (its unfinished deliveries end cancelled, with the reason), rotate the secret, enable and
/// disable. Operator keys only, and only keys that may use kind <c>webhook.deliver</c>.
/// </summary>
public static partial class JobsApi
{
    private static void MapWebhookEndpoints(RouteGroupBuilder api)
    {
        var endpoints = api.MapGroup("/webhook-endpoints").WithTags("Webhook endpoints")
            .RequireAuthorization(DashboardPolicies.ApiOperator)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        endpoints.MapPost("", CreateEndpointAsync).WithName("CreateWebhookEndpoint")
            .WithSummary("Create a webhook endpoint; the answer holds its signing secret, shown this once")
            .WithDescription("The URL must be an absolute http(s) URL, and the SSRF guard must let through every address its host resolves " +
                "to now (it checks again at each delivery); a refusal names the address and why. eventTypes omitted or empty: every type.")
            .AcceptsJson<CreateWebhookEndpointRequest>();
        endpoints.MapGet("", ListEndpointsAsync).WithName("ListWebhookEndpoints")
            .WithSummary("List webhook endpoints (never their secrets)");
        endpoints.MapGet("/{id:long}", GetEndpointAsync).WithName("GetWebhookEndpoint")
            .WithSummary("Read a webhook endpoint (never its secret)")
            .ProducesProblem(StatusCodes.Status404NotFound);
        endpoints.MapPatch("/{id:long}", UpdateEndpointAsync).WithName("UpdateWebhookEndpoint")
            .WithSummary("Change a webhook endpoint's URL, description or event types")
            .WithDescription("Fields left out stay as they are; eventTypes [] means every type. A new URL goes through the SSRF guard and " +
                "starts the endpoint's failing run afresh.")
            .AcceptsJson<UpdateWebhookEndpointRequest>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        endpoints.MapDelete("/{id:long}", DeleteEndpointAsync).WithName("DeleteWebhookEndpoint")
            .WithSummary("Delete a webhook endpoint; its deliveries not yet finished end cancelled with the reason")
            .ProducesProblem(StatusCodes.Status404NotFound);
        endpoints.MapPost("/{id:long}/rotate-secret", RotateEndpointSecretAsync).WithName("RotateWebhookEndpointSecret")
            .WithSummary("Give an endpoint a new signing secret, answered this once")
            .WithDescription("Deliveries are signed with the new and the previous secret until previousSecretExpiresAt " +
                "(App:Webhooks:RotationOverlap), so the receiver can switch without missing a webhook.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        endpoints.MapPost("/{id:long}/enable", EnableEndpointAsync).WithName("EnableWebhookEndpoint")
            .WithSummary("Enable a disabled endpoint (its failed deliveries stay failed until requeued)")
            .ProducesProblem(StatusCodes.Status404NotFound);
        endpoints.MapPost("/{id:long}/disable", DisableEndpointAsync).WithName("DisableWebhookEndpoint")
            .WithSummary("Disable an endpoint: nothing is sent to it; its deliveries waiting for a retry end dead with the reason")
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<Results<Created<WebhookEndpointResponse>, ProblemHttpResult>> CreateEndpointAsync(
        HttpContext http, [AsParameters] JobsApiServices services, WebhookEndpoints endpoints, KindQueues kindQueues, CancellationToken cancellationToken)
    {
        var caller = ApiCaller.From(http);
        if (await WebhookScopeAsync(services, caller, kindQueues, cancellationToken) is { } refused)
        {
            return refused;
        }
        var (body, problem) = await JsonBody.ReadAsync<CreateWebhookEndpointRequest>(http, services.Options.Value.MaxJobBodyBytes, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }
        if (string.IsNullOrWhiteSpace(body!.Url))
        {
            return ApiProblems.Invalid("url", "url is required: the absolute http(s) URL deliveries are POSTed to.");
        }
        if (TextProblem(body.Url, body.Description, body.EventTypes) is { } unstorable)
        {
            return unstorable;
        }
        WebhookSecretIssued issued;
        try
        {
            issued = await endpoints.CreateAsync(body.Url, body.EventTypes, body.Description, cancellationToken: cancellationToken);
        }
        catch (ArgumentException e)
        {
            return EndpointInvalid(e);
        }
        await services.Audit.RecordAsync(caller.User.Audit("webhooks.create", $"endpoint {issued.EndpointId}", null,
            new { host = new Uri(body.Url).Host, eventTypes = body.EventTypes }), cancellationToken);
        var endpoint = await endpoints.GetAsync(issued.EndpointId, cancellationToken);
        return TypedResults.Created($"/api/v1/webhook-endpoints/{issued.EndpointId}", WebhookEndpointResponse.From(endpoint!, issued.Secret));
    }

    private static async Task<Results<Ok<IReadOnlyList<WebhookEndpointResponse>>, ProblemHttpResult>> ListEndpointsAsync(
        HttpContext http, [AsParameters] JobsApiServices services, WebhookEndpoints endpoints, KindQueues kindQueues, CancellationToken cancellationToken)
    {
        if (await WebhookScopeAsync(services, ApiCaller.From(http), kindQueues, cancellationToken) is { } refused)
        {
            return refused;
        }
        IReadOnlyList<WebhookEndpointResponse> list = (await endpoints.ListAsync(cancellationToken)).Select(e => WebhookEndpointResponse.From(e)).ToList();
        return TypedResults.Ok(list);
    }

    private static Task<Results<Ok<WebhookEndpointResponse>, ProblemHttpResult>> GetEndpointAsync(
        long id, HttpContext http, [AsParameters] JobsApiServices services, WebhookEndpoints endpoints, KindQueues kindQueues,
        CancellationToken cancellationToken) =>
        OnEndpointAsync<WebhookEndpointResponse>(id, http, services, kindQueues, async _ =>
            await endpoints.GetAsync(id, cancellationToken) is { } endpoint ? (WebhookEndpointResponse.From(endpoint), null) : (null, null),
            cancellationToken);

    private static async Task<Results<Ok<WebhookEndpointResponse>, ProblemHttpResult>> UpdateEndpointAsync(
        long id, HttpContext http, [AsParameters] JobsApiServices services, WebhookEndpoints endpoints, KindQueues kindQueues,
        CancellationToken cancellationToken)
    {
        var (body, problem) = await JsonBody.ReadAsync<UpdateWebhookEndpointRequest>(http, services.Options.Value.MaxJobBodyBytes, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }
        if (body!.Url is null && body.Description is null && body.EventTypes is null)
        {
            return ApiProblems.Invalid("$", "Nothing to change: give url, description or eventTypes.");
        }
        if (TextProblem(body.Url, body.Description, body.EventTypes) is { } unstorable)
        {
            return unstorable;
        }
        string?[] fields = [body.Url is null ? null : "url", body.Description is null ? null : "description", body.EventTypes is null ? null : "eventTypes"];
        return await OnEndpointAsync<WebhookEndpointResponse>(id, http, services, kindQueues, async _ =>
            await endpoints.UpdateAsync(id, body.Url, body.Description, body.EventTypes, cancellationToken)
                ? (WebhookEndpointResponse.From((await endpoints.GetAsync(id, cancellationToken))!),
                    new EndpointAudit("webhooks.update", null, new { changed = fields.OfType<string>() }))
                : (null, null),
            cancellationToken);
    }

    private static Task<Results<Ok<DeletedWebhookEndpointResponse>, ProblemHttpResult>> DeleteEndpointAsync(
        long id, HttpContext http, [AsParameters] JobsApiServices services, WebhookEndpoints endpoints, KindQueues kindQueues,
        CancellationToken cancellationToken) =>
        OnEndpointAsync<DeletedWebhookEndpointResponse>(id, http, services, kindQueues, async caller =>
            await endpoints.DeleteAsync(id, caller.Name, cancellationToken) is { } cancelled
                ? (new DeletedWebhookEndpointResponse(id, cancelled), new EndpointAudit("webhooks.delete", cancelled, null))
                : (null, null),
            cancellationToken);

    private static Task<Results<Ok<RotatedSecretResponse>, ProblemHttpResult>> RotateEndpointSecretAsync(
        long id, HttpContext http, [AsParameters] JobsApiServices services, WebhookEndpoints endpoints, KindQueues kindQueues,
        CancellationToken cancellationToken) =>
        OnEndpointAsync<RotatedSecretResponse>(id, http, services, kindQueues, async _ =>
        {
            if (await endpoints.GetAsync(id, cancellationToken) is null)
            {
                return (null, null);
            }
            var issued = await endpoints.RotateSecretAsync(id, cancellationToken: cancellationToken);
            var endpoint = await endpoints.GetAsync(id, cancellationToken);
            return (new RotatedSecretResponse(id, issued.Secret, endpoint?.PreviousSecretExpiresAt), new EndpointAudit("webhooks.rotate_secret", null, null));
        }, cancellationToken);

    private static Task<Results<Ok<WebhookEndpointResponse>, ProblemHttpResult>> EnableEndpointAsync(
        long id, HttpContext http, [AsParameters] JobsApiServices services, WebhookEndpoints endpoints, KindQueues kindQueues,
        CancellationToken cancellationToken) =>
        OnEndpointAsync<WebhookEndpointResponse>(id, http, services, kindQueues, async _ =>
            await endpoints.EnableAsync(id, cancellationToken)
                ? (WebhookEndpointResponse.From((await endpoints.GetAsync(id, cancellationToken))!), new EndpointAudit("webhooks.enable", null, null))
                : (null, null),
            cancellationToken);

    private static Task<Results<Ok<WebhookEndpointResponse>, ProblemHttpResult>> DisableEndpointAsync(
        long id, HttpContext http, [AsParameters] JobsApiServices services, WebhookEndpoints endpoints, KindQueues kindQueues,
        CancellationToken cancellationToken) =>
        OnEndpointAsync<WebhookEndpointResponse>(id, http, services, kindQueues, async caller =>
        {
            if (await endpoints.GetAsync(id, cancellationToken) is null)
            {
                return (null, null);
            }
            // Disabled already: the first reason stays, the answer shows it, and nothing is audited.
            var disabled = await endpoints.DisableAsync(id, $"disabled by {caller.Name}", cancellationToken);
            return (WebhookEndpointResponse.From((await endpoints.GetAsync(id, cancellationToken))!),
                disabled ? new EndpointAudit("webhooks.disable", null, null) : null);
        }, cancellationToken);

    /// <summary>What an action on one endpoint writes to the audit log.</summary>
    private sealed record EndpointAudit(string Action, long? Count, object? Details);

    /// <summary>
    /// One endpoint, within the key's scope (403 otherwise): acts, answering 404 when the action finds
    /// no endpoint, 400 naming the field when the endpoints refuse an argument, and audits what it did.
    /// </summary>
    private static async Task<Results<Ok<T>, ProblemHttpResult>> OnEndpointAsync<T>(long id, HttpContext http, JobsApiServices services,
        KindQueues kindQueues, Func<ApiCaller, Task<(T? Answer, EndpointAudit? Audit)>> act, CancellationToken cancellationToken) where T : class
    {
        var caller = ApiCaller.From(http);
        if (await WebhookScopeAsync(services, caller, kindQueues, cancellationToken) is { } refused)
        {
            return refused;
        }
        (T? Answer, EndpointAudit? Audit) done;
        try
        {
            done = await act(caller);
        }
        catch (ArgumentException e)
        {
            return EndpointInvalid(e);
        }
        catch (KeyNotFoundException)
        {
            done = (null, null);
        }
        if (done.Answer is null)
        {
            return NoSuchEndpoint(id);
        }
        if (done.Audit is { } audit)
        {
            await services.Audit.RecordAsync(caller.User.Audit(audit.Action, $"endpoint {id}", audit.Count, audit.Details), cancellationToken);
        }
        return TypedResults.Ok(done.Answer);
    }

    /// <summary>403 unless the key may use kind <c>webhook.deliver</c> in its queue: endpoints are where those jobs go.</summary>
    private static async Task<ProblemHttpResult?> WebhookScopeAsync(JobsApiServices services, ApiCaller caller, KindQueues kindQueues,
        CancellationToken cancellationToken)
    {
        var queue = caller.Key.Queues is null ? null
            : (await kindQueues.DefaultQueuesAsync([WebhookDeliverArgs.Kind], cancellationToken))[WebhookDeliverArgs.Kind];
        if (EnqueueRequests.OutOfScope(caller, WebhookDeliverArgs.Kind, queue, null) is { } refused)
        {
            Refused(services, caller, refused);
            return refused;
        }
        return null;
    }

    private static ProblemHttpResult? TextProblem(string? url, string? description, IReadOnlyList<string>? eventTypes)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (StorableText.Problem(url) is { } urlProblem)
        {
            errors["url"] = [$"url {urlProblem}."];
        }
        if (StorableText.Problem(description) is { } descriptionProblem)
        {
            errors["description"] = [$"description {descriptionProblem}."];
        }
        for (var i = 0; i < (eventTypes?.Count ?? 0); i++)
        {
            if (eventTypes![i] is null)
            {
                errors[$"eventTypes[{i}]"] = ["An event type must not be null."];
            }
        }
        return errors.Count > 0 ? ApiProblems.Invalid(errors) : null;
    }

    private static ProblemHttpResult EndpointInvalid(ArgumentException e) =>
        ApiProblems.Invalid(e.ParamName is "url" or "eventTypes" or "description" ? e.ParamName : "$", ApiProblems.MessageOf(e));

    private static ProblemHttpResult NoSuchEndpoint(long id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such webhook endpoint.", detail: $"There is no webhook endpoint {id}.");
}
