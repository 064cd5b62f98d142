namespace Jobs.Sandbox.Receiver;

/// <summary>How the receiver answers one webhook.</summary>
/// <param name="Status">The status code. The default value is 200.</param>
/// <param name="Delay">How long to wait before answering (a slow receiver). The default value is none.</param>
/// <param name="RetryAfter">A <c>Retry-After</c> header value (seconds or an HTTP date).</param>
/// <param name="Location">A <c>Location</c> header value (for redirects).</param>
public sealed record ReceiverReply(int Status = 200, TimeSpan Delay = default, string? RetryAfter = null, string? Location = null)
{
    /// <summary>200 OK at once.</summary>
    public static ReceiverReply Ok { get; } = new();
}
