using System.Text;
using Jobs.Sandbox.Receiver;
using Microsoft.AspNetCore.Http;
using StandardWebhooks;
using StandardWebhooks.Diagnostics;

namespace Jobs.Tests.Webhooks;

/// <summary>
/// Checks webhooks with the StandardWebhooks package (1.1.2), independently of our own
/// <c>WebhookSignature</c>: what a receiver built on that library would accept. The library reads
/// the clock itself (<see cref="DateTimeOffset.UtcNow"/>) with a 5-minute tolerance.
/// </summary>
internal static class StandardWebhooksCheck
{
    /// <summary>Why the library refuses the webhook, or null when it accepts it.</summary>
    public static string? Refusal(string secret, string? id, string? timestamp, string? signature, byte[] body)
    {
        var headers = new HeaderDictionary();
        foreach (var (name, value) in new[] { ("webhook-id", id), ("webhook-timestamp", timestamp), ("webhook-signature", signature) })
        {
            if (value is not null)
            {
                headers[name] = value;
            }
        }
        try
        {
            new StandardWebhook(secret).Verify(Encoding.UTF8.GetString(body), headers);
            return null;
        }
        catch (WebhookVerificationException e)
        {
            return e.Message;
        }
    }

    /// <summary>Whether the library accepts the webhook as received.</summary>
    public static bool Accepts(string secret, ReceivedWebhook webhook) =>
        Refusal(secret, webhook.Id, webhook.Timestamp, webhook.Signature, webhook.Body) is null;

    /// <summary>
    /// Whether the library accepts one of the webhook's signatures, each handed to it alone. The
    /// specification has a receiver accept a header whose signatures (space-separated, two during
    /// a secret rotation) include one that matches; StandardWebhooks 1.1.2 compares only the first
    /// (its loop ends before the last entry), so the later ones are checked one at a time.
    /// </summary>
    public static bool AcceptsAnySignature(string secret, ReceivedWebhook webhook) =>
        webhook.Signature!.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Any(signature => Refusal(secret, webhook.Id, webhook.Timestamp, signature, webhook.Body) is null);

    /// <summary>The library's own signature of a message (<c>v1,&lt;base64&gt;</c>).</summary>
    public static string Sign(string secret, string id, DateTimeOffset timestamp, byte[] body) =>
        new StandardWebhook(secret).Sign(id, timestamp, Encoding.UTF8.GetString(body));
}
