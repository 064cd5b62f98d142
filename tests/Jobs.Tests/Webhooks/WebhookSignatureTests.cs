using System.Text;
using Jobs.Webhooks;

namespace Jobs.Tests.Webhooks;

/// <summary>Standard Webhooks signing and the receivers' verification helper.</summary>
public sealed class WebhookSignatureTests
{
    // The Standard Webhooks specification's published test vector.
    private const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const string MessageId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private const long Timestamp = 1614265330;
    private const string Payload = """{"test": 2432232314}""";
    private const string Expected = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
    private static readonly DateTimeOffset SentAt = DateTimeOffset.FromUnixTimeSeconds(Timestamp);

    [Fact]
    public void Signing_the_specifications_test_vector_gives_its_published_signature()
    {
        Assert.Equal(Expected, WebhookSignature.Sign(Secret, MessageId, Timestamp, Payload));
        Assert.Equal(Expected, StandardWebhooksCheck.Sign(Secret, MessageId, SentAt, Encoding.UTF8.GetBytes(Payload)));
    }

    [Fact]
    public void The_helper_accepts_the_test_vector_and_rejects_any_change_to_it()
    {
        Assert.True(Verify(Secret, MessageId, "1614265330", Expected, Payload, SentAt, out var failure), failure);

        Assert.False(Verify(Secret, MessageId, "1614265330", Expected, """{"test": 2432232315}""", SentAt, out failure));
        Assert.Equal("no v1 signature matches", failure);
        Assert.False(Verify(Secret, "msg_other", "1614265330", Expected, Payload, SentAt, out _));
        Assert.False(Verify(Secret, MessageId, "1614265331", Expected, Payload, SentAt, out _));
        Assert.False(Verify("whsec_" + Convert.ToBase64String(new byte[24]), MessageId, "1614265330", Expected, Payload, SentAt, out _));
        Assert.False(Verify(Secret, MessageId, "1614265330", "v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", Payload, SentAt, out _));
    }

    [Fact]
    public void The_helper_rejects_timestamps_outside_its_tolerance_either_way()
    {
        Assert.True(Verify(Secret, MessageId, "1614265330", Expected, Payload, SentAt.AddMinutes(4), out _));
        Assert.False(Verify(Secret, MessageId, "1614265330", Expected, Payload, SentAt.AddMinutes(6), out var failure));
        Assert.Contains("tolerance", failure);
        Assert.False(Verify(Secret, MessageId, "1614265330", Expected, Payload, SentAt.AddMinutes(-6), out _));
        Assert.False(Verify(Secret, MessageId, "soon", Expected, Payload, SentAt, out failure));
        Assert.Contains("unix seconds", failure);
    }

    [Fact]
    public void The_helper_accepts_a_header_with_several_signatures_when_any_matches()
    {
        var other = WebhookSignature.Sign("whsec_" + Convert.ToBase64String(Encoding.UTF8.GetBytes("another secret of 24 byte")), MessageId, Timestamp, Payload);

        Assert.True(Verify(Secret, MessageId, "1614265330", $"{other} {Expected}", Payload, SentAt, out _));
        Assert.True(Verify(Secret, MessageId, "1614265330", $"v1a,c2lnbmF0dXJl {Expected}", Payload, SentAt, out _));
        Assert.False(Verify(Secret, MessageId, "1614265330", other, Payload, SentAt, out _));
        Assert.False(Verify(Secret, MessageId, "1614265330", null, Payload, SentAt, out var failure));
        Assert.Contains("missing", failure);
    }

    private static bool Verify(string secret, string? id, string? timestamp, string? signature, string body, DateTimeOffset now, out string? failure) =>
        WebhookSignature.TryVerify(secret, id, timestamp, signature, Encoding.UTF8.GetBytes(body), now, WebhookSignature.DefaultTolerance, out failure);
}
