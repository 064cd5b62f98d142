using System.ComponentModel.DataAnnotations;

namespace Jobs.Payments;

/// <summary>
/// How the payment capture job reaches its gateway. Bound from <c>App:Payments</c>
/// (environment: <c>App__Payments__ApiKey</c>...).
/// </summary>
public sealed class PaymentsOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "App:Payments";

    /// <summary>
    /// The gateway's base address; requests go to <c>{GatewayUrl}v1/payment_intents/...</c>. Stripe
    /// itself, stripe-mock, or the sandbox (<c>http://127.0.0.1:port/gateway/</c>).
    /// The default value is <c>https://api.stripe.com/</c>.
    /// </summary>
    [Required]
    [Url]
    public string GatewayUrl { get; set; } = "https://api.stripe.com/";

    /// <summary>
    /// The secret API key, sent as <c>Authorization: Bearer</c>. Give it through configuration or
    /// the environment only; it is never logged. Without it the worker starts (other jobs run) and
    /// capture jobs are dead with a message saying it is missing. The default value is none.
    /// </summary>
    public string? ApiKey { get; set; }

    /// <summary>
    /// The most one gateway call may take to answer, and then to send its body, before its outcome
    /// is treated as unknown (and the job retried with the same idempotency key). The default
    /// value is 10 seconds.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:02:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long the circuit breaker of the gateway stays open once tripped; jobs meanwhile wait
    /// that long before their next attempt. The default value is 30 seconds.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.500", "00:10:00")]
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The longest <c>Retry-After</c> of a 429 that is honoured as given; longer ones are cut to
    /// this, so a retry stays well inside the gateway's 24 hour idempotency window.
    /// The default value is 10 minutes.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The <c>Stripe-Version</c> header to pin the response shape; the account's default version
    /// when unset. The default value is none.
    /// </summary>
    [RegularExpression("^[0-9]{4}-[0-9]{2}-[0-9]{2}(\\.[a-z]+)?$")]
    public string? ApiVersion { get; set; }
}
