namespace Jobs.Webhooks;

/// <summary>A delivery attempt failed in a way a later attempt may not (a 5xx, a timeout, a refused connection): the job retries.</summary>
public sealed class WebhookDeliveryException(string message) : Exception(message);
