namespace Jobs.Webhooks;

/// <summary>
/// A new endpoint secret, shown once to whoever created or rotated it (the receiver needs it to
/// verify signatures). <see cref="ToString"/> leaves it out, so logging this record cannot leak it.
/// </summary>
/// <param name="EndpointId">The endpoint.</param>
/// <param name="Secret">The secret, <c>whsec_</c> + base64.</param>
public sealed record WebhookSecretIssued(long EndpointId, string Secret)
{
    /// <inheritdoc />
    public override string ToString() => $"WebhookSecretIssued {{ EndpointId = {EndpointId}, Secret = whsec_*** }}";
}
