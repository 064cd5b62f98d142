using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Jobs.Webhooks;

/// <summary>
/// Standard Webhooks signatures (https://www.standardwebhooks.com): the sender signs
/// <c>{webhook-id}.{webhook-timestamp}.{body}</c> with HMAC-SHA256 under each of the endpoint's
/// secrets and sends <c>webhook-signature: v1,&lt;base64&gt; [v1,&lt;base64&gt; ...]</c>. Receivers
/// call <see cref="TryVerify(string, string?, string?, string?, ReadOnlySpan{byte}, DateTimeOffset, TimeSpan, out string?)"/>
/// with the raw body bytes, exactly as received.
/// </summary>
/// <remarks>
/// Depends on the base class library only, so a receiver can copy this file as it is.
/// </remarks>
public static class WebhookSignature
{
    /// <summary>How far a <c>webhook-timestamp</c> may be from the receiver's clock, either way: 5 minutes.</summary>
    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromMinutes(5);

    private const string SecretPrefix = "whsec_";
    private const string Version = "v1,";

    /// <summary>The signature (<c>v1,&lt;base64&gt;</c>) of a message under one secret.</summary>
    /// <param name="secret">The endpoint secret, <c>whsec_</c> + base64 (the prefix is optional).</param>
    /// <param name="webhookId">The <c>webhook-id</c> header.</param>
    /// <param name="timestamp">The <c>webhook-timestamp</c> header: unix seconds.</param>
    /// <param name="body">The body bytes as sent.</param>
    public static string Sign(string secret, string webhookId, long timestamp, ReadOnlySpan<byte> body) =>
        Version + Convert.ToBase64String(Compute(secret, webhookId, timestamp.ToString(CultureInfo.InvariantCulture), body));

    /// <inheritdoc cref="Sign(string, string, long, ReadOnlySpan{byte})"/>
    public static string Sign(string secret, string webhookId, long timestamp, string body) =>
        Sign(secret, webhookId, timestamp, Encoding.UTF8.GetBytes(body));

    /// <summary>
    /// Verifies a received webhook: the timestamp is within <paramref name="tolerance"/> of
    /// <paramref name="now"/> and one of the signatures in <paramref name="webhookSignature"/> (there
    /// are two while the sender rotates its secret) matches <paramref name="secret"/>. Signatures
    /// are compared in constant time.
    /// </summary>
    /// <returns>True when the webhook is authentic; otherwise false, with why in <paramref name="failure"/>.</returns>
    public static bool TryVerify(string secret, string? webhookId, string? webhookTimestamp, string? webhookSignature,
        ReadOnlySpan<byte> body, DateTimeOffset now, TimeSpan tolerance, out string? failure)
    {
        failure = Check(secret, webhookId, webhookTimestamp, webhookSignature, body, now, tolerance);
        return failure is null;
    }

    /// <summary>Verifies with the raw body as text (UTF-8), against the current time and <see cref="DefaultTolerance"/>.</summary>
    public static bool TryVerify(string secret, string? webhookId, string? webhookTimestamp, string? webhookSignature, string body,
        out string? failure) =>
        TryVerify(secret, webhookId, webhookTimestamp, webhookSignature, Encoding.UTF8.GetBytes(body), DateTimeOffset.UtcNow,
            DefaultTolerance, out failure);

    private static string? Check(string secret, string? webhookId, string? webhookTimestamp, string? webhookSignature,
        ReadOnlySpan<byte> body, DateTimeOffset now, TimeSpan tolerance)
    {
        if (string.IsNullOrEmpty(webhookId) || string.IsNullOrEmpty(webhookTimestamp) || string.IsNullOrEmpty(webhookSignature))
        {
            return "the webhook-id, webhook-timestamp or webhook-signature header is missing";
        }
        if (!long.TryParse(webhookTimestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return "webhook-timestamp is not a number of unix seconds";
        }
        var sent = DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(seconds, 0, 253_402_300_799));
        if ((now - sent).Duration() > tolerance)
        {
            return "webhook-timestamp is outside the tolerance (a replay, or a clock far off)";
        }
        byte[] expected;
        try
        {
            expected = Compute(secret, webhookId, webhookTimestamp, body);
        }
        catch (FormatException)
        {
            return "the secret is not valid base64";
        }
        Span<byte> candidate = stackalloc byte[64];
        foreach (var part in webhookSignature.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part.StartsWith(Version, StringComparison.Ordinal)
                && Convert.TryFromBase64String(part[Version.Length..], candidate, out var written)
                && CryptographicOperations.FixedTimeEquals(candidate[..written], expected))
            {
                return null;
            }
        }
        return "no v1 signature matches";
    }

    private static byte[] Compute(string secret, string webhookId, string timestamp, ReadOnlySpan<byte> body)
    {
        var key = Convert.FromBase64String(secret.StartsWith(SecretPrefix, StringComparison.Ordinal) ? secret[SecretPrefix.Length..] : secret);
        var prefix = Encoding.UTF8.GetBytes(webhookId + "." + timestamp + ".");
        var content = new byte[prefix.Length + body.Length];
        prefix.CopyTo(content, 0);
        body.CopyTo(content.AsSpan(prefix.Length));
        return HMACSHA256.HashData(key, content);
    }
}
