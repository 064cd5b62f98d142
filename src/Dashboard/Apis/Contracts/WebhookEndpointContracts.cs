using System.Text.Json.Serialization;
using Jobs.Webhooks;

namespace Jobs.Dashboard.Apis.Contracts;

/// <summary>A new webhook endpoint.</summary>
public sealed record CreateWebhookEndpointRequest
{
    /// <summary>Where deliveries are POSTed: an absolute http(s) URL that the SSRF guard lets through. Required.</summary>
    public string? Url { get; init; }

    /// <summary>The event types it receives (letters, digits, <c>_ . : -</c>); omitted or empty for every type.</summary>
    public IReadOnlyList<string>? EventTypes { get; init; }

    /// <summary>Free text for operators, at most 1,000 characters.</summary>
    public string? Description { get; init; }
}

/// <summary>A change to a webhook endpoint: a field left out (or null) stays as it is.</summary>
public sealed record UpdateWebhookEndpointRequest
{
    /// <summary>A new URL; checked by the SSRF guard as at creation.</summary>
    public string? Url { get; init; }

    /// <summary>New event types; an empty list means every type.</summary>
    public IReadOnlyList<string>? EventTypes { get; init; }

    /// <summary>A new description.</summary>
    public string? Description { get; init; }
}

/// <summary>A webhook endpoint. Its signing secret is never read back, except once, in <see cref="Secret"/>, when it is created.</summary>
/// <param name="Id">The endpoint id (the partition key of its delivery jobs).</param>
/// <param name="Url">Where deliveries are POSTed.</param>
/// <param name="Description">Free text for operators.</param>
/// <param name="EventTypes">The event types it receives; null for every type.</param>
/// <param name="Enabled">False once disabled (410 Gone, failing too long, or by an operator).</param>
/// <param name="DisabledReason">Why it was disabled.</param>
/// <param name="DisabledAt">When it was disabled.</param>
/// <param name="FailingSince">When its current run of failed attempts began.</param>
/// <param name="PreviousSecretExpiresAt">Until when the secret before the last rotation still signs.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="Secret">The signing secret (<c>whsec_...</c>): in the creation's answer only.</param>
public sealed record WebhookEndpointResponse(
    long Id, string Url, string Description, IReadOnlyList<string>? EventTypes, bool Enabled, string? DisabledReason,
    DateTimeOffset? DisabledAt, DateTimeOffset? FailingSince, DateTimeOffset? PreviousSecretExpiresAt, DateTimeOffset CreatedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Secret = null)
{
    /// <summary>The answer for an endpoint.</summary>
    public static WebhookEndpointResponse From(WebhookEndpoint e, string? secret = null) =>
        new(e.Id, e.Url, e.Description, e.EventTypes, e.Enabled, e.DisabledReason, e.DisabledAt, e.FailingSince, e.PreviousSecretExpiresAt,
            e.CreatedAt, secret);

    /// <inheritdoc />
    public override string ToString() => $"WebhookEndpointResponse {{ Id = {Id}, Secret = {(Secret is null ? "null" : "whsec_***")} }}";
}

/// <summary>A rotated secret.</summary>
/// <param name="Id">The endpoint.</param>
/// <param name="Secret">The new signing secret, shown this once.</param>
/// <param name="PreviousSecretExpiresAt">Deliveries are signed with the previous secret too until then.</param>
public sealed record RotatedSecretResponse(long Id, string Secret, DateTimeOffset? PreviousSecretExpiresAt)
{
    /// <inheritdoc />
    public override string ToString() => $"RotatedSecretResponse {{ Id = {Id}, Secret = whsec_*** }}";
}

/// <summary>A deleted endpoint.</summary>
/// <param name="Id">The endpoint.</param>
/// <param name="CancelledDeliveries">Its deliveries that had not finished, now cancelled.</param>
public sealed record DeletedWebhookEndpointResponse(long Id, int CancelledDeliveries);
