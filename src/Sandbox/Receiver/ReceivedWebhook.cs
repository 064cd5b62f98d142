using System.Text;

namespace Jobs.Sandbox.Receiver;

/// <summary>One request the receiver got, as it arrived (before any scripted delay).</summary>
/// <param name="Name">The receiver name (the last segment of <c>/receiver/{name}</c>).</param>
/// <param name="At">When it arrived.</param>
/// <param name="Headers">Every request header, names in lower case.</param>
/// <param name="Body">The raw body bytes, exactly as received (signatures are over these).</param>
public sealed record ReceivedWebhook(string Name, DateTimeOffset At, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    /// <summary>The <c>webhook-id</c> header.</summary>
    public string? Id => Header("webhook-id");

    /// <summary>The <c>webhook-timestamp</c> header.</summary>
    public string? Timestamp => Header("webhook-timestamp");

    /// <summary>The <c>webhook-signature</c> header.</summary>
    public string? Signature => Header("webhook-signature");

    /// <summary>The body as UTF-8 text.</summary>
    public string Text => Encoding.UTF8.GetString(Body);

    /// <summary>A header's value, or null.</summary>
    public string? Header(string name) => Headers.TryGetValue(name.ToLowerInvariant(), out var value) ? value : null;
}
