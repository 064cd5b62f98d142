using System.ComponentModel.DataAnnotations;

namespace Jobs.Webhooks;

/// <summary>
/// How webhooks are delivered, bound from <c>App:Webhooks</c> and validated at start. The kind's
/// queue, attempts, retry schedule and per-endpoint limit are engine policy, under
/// <c>Jobs:Kinds:webhook.deliver</c>.
/// </summary>
public sealed class WebhooksOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "App:Webhooks";

    /// <summary>
    /// The key that encrypts endpoint secrets at rest (AES-256-GCM): 32 random bytes in base64, for
    /// example from <c>openssl rand -base64 32</c>. Keep it in the environment
    /// (<c>App__Webhooks__SecretKey</c>) or a secret store, never in a committed file. Required;
    /// there is no default.
    /// </summary>
    [Required(ErrorMessage = "App:Webhooks:SecretKey is required: the base64 of a 32-byte key that encrypts webhook secrets (openssl rand -base64 32).")]
    public string? SecretKey { get; set; }

    /// <summary>How long one HTTP call to an endpoint may take. The default value is 15 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:50", ErrorMessage = "App:Webhooks:Timeout must be between 10 ms and 50 s (the kind's attempt timeout is 1 minute).")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// An endpoint whose attempts have all failed for this long is disabled until an operator
    /// enables it again. The default value is 5 days.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "365.00:00:00")]
    public TimeSpan DisableAfter { get; set; } = TimeSpan.FromDays(5);

    /// <summary>How long the previous secret stays valid after a rotation (both are signed with). The default value is 24 hours.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "30.00:00:00")]
    public TimeSpan RotationOverlap { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// Allow endpoints on loopback addresses (127.0.0.0/8, ::1): for tests and local runs only. The
    /// default value is false.
    /// </summary>
    public bool AllowLoopback { get; set; }

    /// <summary>
    /// Networks in CIDR notation (<c>10.1.0.0/16</c>, <c>fd00::/8</c>) that endpoints may resolve
    /// to although they are private, link-local or otherwise refused by the SSRF guard. The default
    /// value is none.
    /// </summary>
    public IList<string> AllowedNetworks { get; set; } = [];

    /// <summary>How long an endpoint's tripped circuit breaker refuses calls. The default value is 30 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:00.500", "01:00:00")]
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Calls to an endpoint within 30 seconds before its breaker may trip (at half of them failing). The default value is 5.</summary>
    [Range(2, 10_000)]
    public int BreakerMinimumThroughput { get; set; } = 5;
}
