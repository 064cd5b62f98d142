using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Jobs.Webhooks;

/// <summary>
/// Endpoint secrets: made (<c>whsec_</c> + base64 of 32 random bytes, as Standard Webhooks
/// prescribes), checked, and encrypted at rest with AES-256-GCM under <c>App:Webhooks:SecretKey</c>.
/// A stored secret is <c>version (1) | nonce (12) | tag (16) | ciphertext</c>; a wrong key or a
/// tampered row fails to decrypt rather than yielding a wrong secret.
/// </summary>
internal sealed class WebhookSecrets(IOptions<WebhooksOptions> options)
{
    private const string Prefix = "whsec_";
    private const byte Version = 1;
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private static readonly byte[] AssociatedData = "jobs.webhook-endpoint.secret"u8.ToArray();

    private readonly byte[] _key = TryDecodeKey(options.Value.SecretKey ?? "", out var key)
        ? key
        : throw new InvalidOperationException("App:Webhooks:SecretKey is missing or is not the base64 of 32 bytes.");

    /// <summary>A new random secret.</summary>
    public static string Generate() => Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>Throws when <paramref name="secret"/> is not a <c>whsec_</c> secret of 24 to 64 bytes.</summary>
    public static void Validate(string secret, string parameterName)
    {
        if (!secret.StartsWith(Prefix, StringComparison.Ordinal) || !TryBase64(secret[Prefix.Length..], out var bytes) || bytes.Length is < 24 or > 64)
        {
            // Never echo the secret.
            throw new ArgumentException("A webhook secret must be 'whsec_' followed by the base64 of 24 to 64 random bytes.", parameterName);
        }
    }

    public static bool TryDecodeKey(string value, [NotNullWhen(true)] out byte[]? key) =>
        TryBase64(value, out key) && key.Length == 32;

    public byte[] Protect(string secret)
    {
        var plain = Encoding.UTF8.GetBytes(secret);
        try
        {
            return Protect(plain, AssociatedData);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }

    public string Unprotect(byte[] stored) => Encoding.UTF8.GetString(Unprotect(stored, AssociatedData, "A stored webhook secret has an unknown format."));

    /// <summary>
    /// Encrypts another secret of the hosts under the same key; <paramref name="purpose"/> (associated
    /// data) keeps what one use encrypted from being accepted by another.
    /// </summary>
    internal byte[] Protect(ReadOnlySpan<byte> plain, ReadOnlySpan<byte> purpose)
    {
        var stored = new byte[1 + NonceSize + TagSize + plain.Length];
        stored[0] = Version;
        var nonce = stored.AsSpan(1, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagSize);
        aes.Encrypt(nonce, plain, stored.AsSpan(1 + NonceSize + TagSize), stored.AsSpan(1 + NonceSize, TagSize), purpose);
        return stored;
    }

    /// <summary>Decrypts what <see cref="Protect(ReadOnlySpan{byte}, ReadOnlySpan{byte})"/> made for the same purpose; throws on a wrong key, purpose or a tampered value.</summary>
    internal byte[] Unprotect(byte[] stored, ReadOnlySpan<byte> purpose, string unknownFormat)
    {
        if (stored.Length < 1 + NonceSize + TagSize || stored[0] != Version)
        {
            throw new CryptographicException(unknownFormat);
        }
        var plain = new byte[stored.Length - 1 - NonceSize - TagSize];
        using var aes = new AesGcm(_key, TagSize);
        aes.Decrypt(stored.AsSpan(1, NonceSize), stored.AsSpan(1 + NonceSize + TagSize), stored.AsSpan(1 + NonceSize, TagSize), plain, purpose);
        return plain;
    }

    private static bool TryBase64(string value, [NotNullWhen(true)] out byte[]? bytes)
    {
        var buffer = new byte[value.Length];
        if (Convert.TryFromBase64String(value, buffer, out var written))
        {
            bytes = buffer[..written];
            return true;
        }
        bytes = null;
        return false;
    }
}
