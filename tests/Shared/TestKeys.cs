namespace Jobs.Testing;

/// <summary>Keys the business jobs require at start, fixed for tests (never used outside them).</summary>
public static class TestKeys
{
    /// <summary><c>App:Webhooks:SecretKey</c>: the base64 of "test-key-for-webhook-secrets-32b" (32 bytes).</summary>
    public const string WebhookSecretKey = "dGVzdC1rZXktZm9yLXdlYmhvb2stc2VjcmV0cy0zMmI=";
}
