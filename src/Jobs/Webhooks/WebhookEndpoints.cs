using System.Globalization;
using Jobs.Engine.Client;
using Jobs.Engine.States;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Jobs.Webhooks;

/// <summary>
/// Webhook endpoints for applications and operators (the dashboard calls these): create, rotate a
/// secret, disable and enable, read health, and requeue failed deliveries.
/// </summary>
public sealed partial class WebhookEndpoints
{
    private readonly WebhookStore _store;
    private readonly WebhookSecrets _secrets;
    private readonly WebhookAddressGuard _guard;
    private readonly IJobClient _jobs;
    private readonly IOptions<WebhooksOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<WebhookEndpoints> _logger;

    internal WebhookEndpoints(WebhookStore store, WebhookSecrets secrets, WebhookAddressGuard guard, IJobClient jobs,
        IOptions<WebhooksOptions> options, TimeProvider time, ILogger<WebhookEndpoints> logger)
    {
        _store = store;
        _secrets = secrets;
        _guard = guard;
        _jobs = jobs;
        _options = options;
        _time = time;
        _logger = logger;
    }

    /// <summary>
    /// Creates an endpoint and returns its secret (shown once: it is stored encrypted and never read
    /// back through this API).
    /// </summary>
    /// <param name="url">An absolute <c>http://</c> or <c>https://</c> URL. Where it resolves to is checked now and at each delivery (SSRF guard).</param>
    /// <param name="eventTypes">The event types it receives; null or empty for all.</param>
    /// <param name="description">Free text for operators.</param>
    /// <param name="secret">A <c>whsec_</c> secret to use; a random one when null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="ArgumentException">The URL is not http(s) or the SSRF guard refuses where it resolves to (the message
    /// says why), an event type or the secret is malformed.</exception>
    public async Task<WebhookSecretIssued> CreateAsync(string url, IReadOnlyCollection<string>? eventTypes = null, string? description = null,
        string? secret = null, CancellationToken cancellationToken = default)
    {
        var uri = ValidateUrl(url);
        var types = ValidateEventTypes(eventTypes);
        ValidateDescription(description);
        await GuardAsync(uri, cancellationToken);
        if (secret is not null)
        {
            WebhookSecrets.Validate(secret, nameof(secret));
        }
        secret ??= WebhookSecrets.Generate();
        var id = await _store.InsertEndpointAsync(uri.AbsoluteUri, description ?? "", types, _secrets.Protect(secret), cancellationToken);
        WebhookLog.EndpointCreated(_logger, id, uri.Host);
        return new WebhookSecretIssued(id, secret);
    }

    /// <summary>
    /// Changes an endpoint's URL, description or event types; a null argument leaves that one as it
    /// is, an empty <paramref name="eventTypes"/> means every type. A new URL goes through the SSRF
    /// guard as at creation, and starts the endpoint's failing run afresh. Returns false when there is
    /// no such endpoint.
    /// </summary>
    /// <exception cref="ArgumentException">As for <see cref="CreateAsync"/>.</exception>
    public async Task<bool> UpdateAsync(long id, string? url = null, string? description = null, IReadOnlyCollection<string>? eventTypes = null,
        CancellationToken cancellationToken = default)
    {
        var uri = url is null ? null : ValidateUrl(url);
        var types = ValidateEventTypes(eventTypes);
        ValidateDescription(description);
        if (uri is not null)
        {
            await GuardAsync(uri, cancellationToken);
        }
        if (!await _store.UpdateEndpointAsync(id, uri?.AbsoluteUri, description, eventTypes is not null, types, cancellationToken))
        {
            return false;
        }
        if (uri is not null)
        {
            WebhookLog.EndpointUpdated(_logger, id, uri.Host);
        }
        return true;
    }

    /// <summary>
    /// Deletes an endpoint with its deliveries' records. Its deliveries not yet finished (waiting,
    /// retrying, running) end cancelled, with the reason under the job's <c>cancel_reason</c>.
    /// Returns how many were cancelled, or null when there is no such endpoint.
    /// </summary>
    public async Task<int?> DeleteAsync(long id, string? by = null, CancellationToken cancellationToken = default)
    {
        // The row first: once it is gone no publish subscribes the endpoint, so no new delivery appears after the cancel.
        if (!await _store.DeleteEndpointAsync(id, cancellationToken))
        {
            return null;
        }
        var cancelled = await _jobs.CancelManyAsync(new JobFilter
        {
            Kinds = [WebhookDeliverArgs.Kind],
            PartitionKey = PartitionKey(id),
        }, $"Webhook endpoint {id} was deleted{(string.IsNullOrWhiteSpace(by) ? "" : " by " + by)}.", cancellationToken);
        WebhookLog.EndpointDeleted(_logger, id, cancelled);
        return cancelled;
    }

    /// <summary>Reads an endpoint, or null when there is none with this id.</summary>
    public Task<WebhookEndpoint?> GetAsync(long id, CancellationToken cancellationToken = default) => _store.GetEndpointAsync(id, cancellationToken);

    /// <summary>Every endpoint, by id.</summary>
    public Task<IReadOnlyList<WebhookEndpoint>> ListAsync(CancellationToken cancellationToken = default) => _store.ListEndpointsAsync(cancellationToken);

    /// <summary>
    /// Gives an endpoint a new secret. Deliveries are signed with both the new and the previous secret
    /// until <paramref name="overlap"/> (default <c>App:Webhooks:RotationOverlap</c>) has passed, so
    /// the receiver can switch without missing a webhook.
    /// </summary>
    /// <exception cref="KeyNotFoundException">There is no such endpoint.</exception>
    public async Task<WebhookSecretIssued> RotateSecretAsync(long id, string? secret = null, TimeSpan? overlap = null, CancellationToken cancellationToken = default)
    {
        if (secret is not null)
        {
            WebhookSecrets.Validate(secret, nameof(secret));
        }
        if (overlap < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(overlap), "The overlap must not be negative.");
        }
        secret ??= WebhookSecrets.Generate();
        var expiresAt = _time.GetUtcNow() + (overlap ?? _options.Value.RotationOverlap);
        if (!await _store.RotateSecretAsync(id, _secrets.Protect(secret), expiresAt, cancellationToken))
        {
            throw new KeyNotFoundException($"There is no webhook endpoint {id}.");
        }
        WebhookLog.SecretRotated(_logger, id, expiresAt);
        return new WebhookSecretIssued(id, secret);
    }

    /// <summary>
    /// Disables an endpoint: nothing more is sent to it. Its deliveries waiting for a retry end now,
    /// dead with the reason, without calling it; an operator requeues them after enabling it.
    /// Returns false when it was disabled already (the first reason stays) or does not exist.
    /// </summary>
    public async Task<bool> DisableAsync(long id, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        if (!await _store.DisableAsync(id, reason, _time.GetUtcNow(), cancellationToken))
        {
            return false;
        }
        WebhookLog.EndpointDisabled(_logger, id, reason);
        // Due now rather than at their retry time (up to 10 hours off): each sees the endpoint
        // disabled and ends dead without a request.
        await _jobs.RequeueManyAsync(new JobFilter
        {
            Kinds = [WebhookDeliverArgs.Kind],
            PartitionKey = PartitionKey(id),
            States = [JobState.Retrying, JobState.Scheduled],
        }, cancellationToken);
        return true;
    }

    /// <summary>Enables a disabled endpoint (and forgets its failing run). Returns false when it does not exist.</summary>
    public async Task<bool> EnableAsync(long id, CancellationToken cancellationToken = default)
    {
        var enabled = await _store.EnableAsync(id, cancellationToken);
        if (enabled)
        {
            WebhookLog.EndpointEnabled(_logger, id);
        }
        return enabled;
    }

    /// <summary>
    /// Attempts, deliveries and the last error of an endpoint since a time. Attempts are counted by
    /// whole hours: from the top of the hour <paramref name="since"/> falls in.
    /// </summary>
    public async Task<WebhookEndpointStats> GetStatsAsync(long id, DateTimeOffset since, CancellationToken cancellationToken = default) =>
        (await _store.StatsAsync([id], since, cancellationToken)).TryGetValue(id, out var stats) ? stats : new WebhookEndpointStats(0, 0, null, null);

    /// <summary>The stats of every endpoint, as <see cref="GetStatsAsync"/> counts them, in one query.</summary>
    public Task<IReadOnlyDictionary<long, WebhookEndpointStats>> GetAllStatsAsync(DateTimeOffset since, CancellationToken cancellationToken = default) =>
        _store.StatsAsync(null, since, cancellationToken);

    /// <summary>The partition key of an endpoint's delivery jobs.</summary>
    public static string PartitionKey(long endpointId) => endpointId.ToString(CultureInfo.InvariantCulture);

    private static string[]? ValidateEventTypes(IReadOnlyCollection<string>? eventTypes)
    {
        var types = eventTypes is { Count: > 0 } ? eventTypes.Distinct(StringComparer.Ordinal).ToArray() : null;
        foreach (var type in types ?? [])
        {
            WebhookPublisher.ValidateName(type, "event type", nameof(eventTypes));
        }
        return types;
    }

    private static void ValidateDescription(string? description)
    {
        if (description is { Length: > 1000 })
        {
            throw new ArgumentException("A webhook endpoint description must be at most 1,000 characters.", nameof(description));
        }
    }

    private async Task GuardAsync(Uri uri, CancellationToken cancellationToken)
    {
        if (await _guard.RefusalAsync(uri, cancellationToken) is { } refusal)
        {
            throw new ArgumentException($"The webhook endpoint URL is refused: {refusal}", "url");
        }
    }

    internal static Uri ValidateUrl(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            var scheme = Uri.TryCreate(url, UriKind.Absolute, out var parsed) ? $"'{parsed.Scheme}'" : "none (not an absolute URL)";
            throw new ArgumentException($"A webhook endpoint URL must be an absolute http:// or https:// URL; its scheme is {scheme}.", nameof(url));
        }
        if (uri.UserInfo.Length > 0)
        {
            throw new ArgumentException("A webhook endpoint URL must not carry user info (user:password@); receivers verify the signature instead.", nameof(url));
        }
        if (url.Length > 2000)
        {
            throw new ArgumentException("A webhook endpoint URL must be at most 2,000 characters.", nameof(url));
        }
        return uri;
    }
}
