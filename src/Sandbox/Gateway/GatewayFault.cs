namespace Jobs.Sandbox.Gateway;

/// <summary>
/// A scripted failure: the next <see cref="Times"/> calls of <see cref="Operation"/> (for one
/// intent, or any) fail this way. Replays of a saved idempotent answer are not faulted.
/// Script through <see cref="GatewayState.Script"/> or <c>POST /gateway/sandbox/faults</c> with
/// this record as JSON (<c>{"kind": "DropAfterCommit", "times": 1}</c>).
/// </summary>
public sealed record GatewayFault
{
    /// <summary>What happens.</summary>
    public required GatewayFaultKind Kind { get; init; }

    /// <summary>The call it applies to. The default value is <see cref="GatewayOperation.Capture"/>.</summary>
    public GatewayOperation Operation { get; init; } = GatewayOperation.Capture;

    /// <summary>Only calls for this intent; any intent when null. The default value is null.</summary>
    public string? PaymentIntentId { get; init; }

    /// <summary>How many calls it applies to. The default value is 1.</summary>
    public int Times { get; init; } = 1;

    /// <summary>The <c>Retry-After</c> of a <see cref="GatewayFaultKind.RateLimit"/>; none when null.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>The <c>Stripe-Should-Retry</c> header of a server error; absent when null.</summary>
    public bool? ShouldRetry { get; init; }

    /// <summary>The <c>decline_code</c> of a <see cref="GatewayFaultKind.Decline"/>. The default value is <c>generic_decline</c>.</summary>
    public string DeclineCode { get; init; } = "generic_decline";

    /// <summary>How long a stall (<see cref="GatewayFaultKind.StallBeforeCommit"/>, <see cref="GatewayFaultKind.StallAfterCommit"/>) lasts. The default value is 2 minutes.</summary>
    public TimeSpan Stall { get; init; } = TimeSpan.FromMinutes(2);
}
