using System.Net;
using Microsoft.Extensions.Options;

namespace Jobs.Webhooks;

/// <summary>Checks what data annotations cannot: the secret key decodes to 32 bytes and the allowed networks parse.</summary>
internal sealed class WebhooksOptionsValidator : IValidateOptions<WebhooksOptions>
{
    public ValidateOptionsResult Validate(string? name, WebhooksOptions options)
    {
        var failures = new List<string>();
        if (options.SecretKey is { Length: > 0 } key && !WebhookSecrets.TryDecodeKey(key, out _))
        {
            // The message names the key's shape, never its value.
            failures.Add("App:Webhooks:SecretKey must be the base64 of exactly 32 bytes (openssl rand -base64 32).");
        }
        foreach (var network in options.AllowedNetworks)
        {
            if (!IPNetwork.TryParse(network, out _))
            {
                failures.Add($"App:Webhooks:AllowedNetworks: '{network}' is not a network in CIDR notation (such as 10.1.0.0/16 or fd00::/8).");
            }
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
