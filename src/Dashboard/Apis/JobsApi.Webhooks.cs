using System.Text.Json;
using Jobs.Dashboard.Apis.Contracts;
using Jobs.Dashboard.Security;
using Jobs.Engine.Client;
using Jobs.Webhooks;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Jobs.Dashboard.Apis;

public static partial class JobsApi
{
    private static async Task<Results<Created<PublishWebhookResponse>, Ok<PublishWebhookResponse>, ProblemHttpResult>> PublishWebhookAsync(
        HttpContext http, [AsParameters] JobsApiServices services, WebhookPublisher publisher, KindQueues kindQueues, CancellationToken cancellationToken)
    {
        var caller = ApiCaller.From(http);
        var (body, problem) = await JsonBody.ReadAsync<PublishWebhookRequest>(http, services.Options.Value.MaxJobBodyBytes, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (string.IsNullOrEmpty(body!.EventType))
        {
            errors["eventType"] = ["eventType is required."];
        }
        else if (StorableText.Problem(body.EventType) is { } eventTypeProblem)
        {
            errors["eventType"] = [$"eventType {eventTypeProblem}."];
        }
        if (StorableText.Problem(body.MessageId) is { } messageIdProblem)
        {
            errors["messageId"] = [$"messageId {messageIdProblem}."];
        }
        if (body.Payload is not { ValueKind: JsonValueKind.Object } payload)
        {
            errors["payload"] = ["payload is required and must be a JSON object."];
            payload = default;
        }
        else if (StorableText.Find(payload) is { } unstorable)
        {
            var field = JsonBody.Under("payload", unstorable.Path);
            errors[field] = [$"{field} {unstorable.Problem}."];
        }
        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(errors);
        }

        // The deliveries are webhook.deliver jobs in that kind's queue: the key must allow them.
        var queue = (await kindQueues.DefaultQueuesAsync([WebhookDeliverArgs.Kind], cancellationToken))[WebhookDeliverArgs.Kind];
        if (EnqueueRequests.OutOfScope(caller, WebhookDeliverArgs.Kind, queue, null) is { } refused)
        {
            Refused(services, caller, refused);
            return refused;
        }

        WebhookPublished published;
        try
        {
            published = await publisher.PublishAsync(body.EventType!, payload, body.MessageId, cancellationToken);
        }
        catch (ArgumentException e)
        {
            var field = e.ParamName switch { "messageId" => "messageId", "payload" => "payload", _ => "eventType" };
            return ApiProblems.Invalid(field, ApiProblems.MessageOf(e));
        }
        ApiLog.PublishedWebhook(services.Logger, caller.Name, published.MessageId, body.EventType!, published.Deliveries.Count);
        if (published.Created)
        {
            await services.Audit.RecordAsync(caller.User.Audit("webhooks.publish", published.MessageId, published.Deliveries.Count,
                new { eventType = body.EventType }), cancellationToken);
        }
        var response = new PublishWebhookResponse(published.MessageId, published.Created,
            published.Deliveries.Select(d => new WebhookDeliveryResponse(d.EndpointId, d.JobId)).ToList());
        return published.Created ? TypedResults.Created((string?)null, response) : TypedResults.Ok(response);
    }
}
