using System.Globalization;
using System.Text.RegularExpressions;
using Jobs.Webhooks;

namespace Jobs.Dashboard.Ui;

/// <summary>
/// What a <c>webhook.deliver</c> job is about, in an operator's words: the endpoint by its name
/// (its description, or its address when it has none) and the message, instead of a partition key
/// and a JSON blob.
/// </summary>
/// <param name="EndpointId">The endpoint (also the job's partition key).</param>
/// <param name="EndpointName">Its name; "deleted endpoint" when it no longer exists.</param>
/// <param name="MessageId">The message delivered, when the arguments name one.</param>
public sealed partial record WebhookDeliveryLabel(long EndpointId, string EndpointName, string? MessageId)
{
    /// <summary>The endpoint's deliveries on the Jobs page.</summary>
    public string DeliveriesUrl => $"/jobs?kind={WebhookDeliverArgs.Kind}&partition={EndpointId.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The message's page (its payload and every endpoint it went to).</summary>
    public string? MessageUrl => MessageId is null ? null : "/webhooks/messages/" + Uri.EscapeDataString(MessageId);

    /// <summary>The label of a job, or null when it is not a webhook delivery.</summary>
    /// <param name="kind">The job's kind.</param>
    /// <param name="partitionKey">The job's partition key (a delivery's endpoint id).</param>
    /// <param name="args">The job's arguments as JSON, whole or the start of them (a list's preview).</param>
    /// <param name="endpoints">The endpoints by id.</param>
    public static WebhookDeliveryLabel? For(string kind, string? partitionKey, string args, IReadOnlyDictionary<long, WebhookEndpoint> endpoints)
    {
        if (kind != WebhookDeliverArgs.Kind)
        {
            return null;
        }
        long? id = long.TryParse(partitionKey, NumberStyles.None, CultureInfo.InvariantCulture, out var key) ? key
            : EndpointArg().Match(args) is { Success: true } m ? long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : null;
        if (id is not { } endpointId)
        {
            return null;
        }
        var message = MessageArg().Match(args) is { Success: true } found ? found.Groups[1].Value : null;
        return new WebhookDeliveryLabel(endpointId, endpoints.TryGetValue(endpointId, out var endpoint) ? NameOf(endpoint) : "deleted endpoint", message);
    }

    /// <summary>An endpoint's name: its description, or its host and path when it has none.</summary>
    public static string NameOf(WebhookEndpoint endpoint) =>
        !string.IsNullOrWhiteSpace(endpoint.Description) ? endpoint.Description
        : Uri.TryCreate(endpoint.Url, UriKind.Absolute, out var url) ? url.Host + (url.AbsolutePath == "/" ? "" : url.AbsolutePath)
        : endpoint.Url;

    // Message ids are limited to these characters by the webhook_message table.
    [GeneratedRegex("\"messageId\"\\s*:\\s*\"([A-Za-z0-9_.:-]+)\"", RegexOptions.IgnoreCase)]
    private static partial Regex MessageArg();

    [GeneratedRegex("\"endpointId\"\\s*:\\s*([0-9]{1,18})", RegexOptions.IgnoreCase)]
    private static partial Regex EndpointArg();
}
