using System.Text.Json;
using System.Text.RegularExpressions;
using Jobs.Engine.Client;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Jobs.Webhooks;

/// <summary>
/// Publishes webhook messages: stores the message and enqueues one <c>webhook.deliver</c> job per
/// enabled endpoint subscribed to its event type, all in one transaction (yours, or one of its
/// own). A message id given twice is published once.
/// </summary>
public sealed partial class WebhookPublisher
{
    private static readonly JsonSerializerOptions PayloadJson = new(JsonSerializerDefaults.Web);

    private readonly WebhookStore _store;
    private readonly IJobClient _jobs;
    private readonly ILogger<WebhookPublisher> _logger;

    internal WebhookPublisher(WebhookStore store, IJobClient jobs, ILogger<WebhookPublisher> logger)
    {
        _store = store;
        _jobs = jobs;
        _logger = logger;
    }

    /// <summary>Publishes a message in a transaction of its own.</summary>
    /// <param name="eventType">The event type endpoints subscribe to, e.g. <c>invoice.paid</c>.</param>
    /// <param name="payload">The data: serialized to a JSON object (camelCase), or a <see cref="JsonElement"/> holding one.</param>
    /// <param name="messageId">The message id (the <c>webhook-id</c> receivers dedupe by); a new <c>msg_</c> id when null.
    /// Pass your own event's id to make publishing idempotent.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<WebhookPublished> PublishAsync(string eventType, object payload, string? messageId = null, CancellationToken cancellationToken = default)
    {
        await using var connection = await _store.DataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var published = await PublishAsync(transaction, eventType, payload, messageId, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return published;
    }

    /// <summary>
    /// Publishes a message inside your transaction (the outbox pattern): the message and its
    /// deliveries exist if and only if the transaction commits.
    /// </summary>
    public async Task<WebhookPublished> PublishAsync(NpgsqlTransaction transaction, string eventType, object payload, string? messageId = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        ValidateName(eventType, "event type", nameof(eventType));
        if (messageId is not null)
        {
            ValidateName(messageId, "message id", nameof(messageId));
        }
        var json = payload is JsonElement element ? element.GetRawText() : JsonSerializer.Serialize(payload, PayloadJson);
        using (var document = JsonDocument.Parse(json))
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new ArgumentException("A webhook payload must be a JSON object.", nameof(payload));
            }
        }
        messageId ??= "msg_" + Guid.CreateVersion7().ToString("N");

        if (!await _store.InsertMessageAsync(transaction, messageId, eventType, json, cancellationToken))
        {
            // Published before (its deliveries were enqueued in the same transaction as the message).
            return new WebhookPublished(messageId, false, await _store.MessageDeliveriesAsync(transaction, messageId, cancellationToken));
        }
        var endpoints = await _store.SubscribedEndpointsAsync(transaction, eventType, cancellationToken);
        var requests = endpoints
            .Select(id => JobRequest.Create(new WebhookDeliverArgs(messageId, id), OptionsFor(messageId, id, eventType)))
            .ToList();
        var jobs = await _jobs.EnqueueManyAsync(transaction, requests, cancellationToken);
        var jobIds = jobs.Select(j => j.Id).ToArray();
        await _store.InsertDeliveriesAsync(transaction, messageId, endpoints, jobIds, cancellationToken);
        WebhookLog.Published(_logger, messageId, eventType, endpoints.Length);
        return new WebhookPublished(messageId, true, endpoints.Zip(jobIds, (e, j) => new WebhookDeliveryJob(e, j)).ToList());
    }

    /// <summary>How a delivery job is enqueued: one per (message, endpoint), limited per endpoint.</summary>
    internal static EnqueueOptions OptionsFor(string messageId, long endpointId, string? eventType) => new()
    {
        PartitionKey = WebhookEndpoints.PartitionKey(endpointId),
        IdempotencyKey = WebhookDeliverArgs.IdempotencyKeyFor(messageId, endpointId),
        Metadata = eventType is null ? null : new Dictionary<string, string> { ["eventType"] = eventType },
    };

    internal static void ValidateName(string value, string what, string parameterName)
    {
        if (value is null || value.Length is < 1 or > 200 || !NamePattern().IsMatch(value))
        {
            throw new ArgumentException($"A webhook {what} must be 1 to 200 letters, digits or _ . : - (got '{value}').", parameterName);
        }
    }

    [GeneratedRegex("^[A-Za-z0-9_.:-]+$")]
    private static partial Regex NamePattern();
}
