namespace Jobs.Webhooks;

/// <summary>The result of a publish.</summary>
/// <param name="MessageId">The message id (the <c>webhook-id</c> header receivers see).</param>
/// <param name="Created">False when a message with this id existed: nothing new was enqueued.</param>
/// <param name="Deliveries">One delivery job per endpoint the message goes to.</param>
public sealed record WebhookPublished(string MessageId, bool Created, IReadOnlyList<WebhookDeliveryJob> Deliveries);

/// <summary>The delivery of a message to one endpoint and the engine job that makes it.</summary>
/// <param name="EndpointId">The endpoint.</param>
/// <param name="JobId">The <c>webhook.deliver</c> job.</param>
public sealed record WebhookDeliveryJob(long EndpointId, long JobId);
