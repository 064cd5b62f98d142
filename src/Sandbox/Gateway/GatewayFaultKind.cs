namespace Jobs.Sandbox.Gateway;

/// <summary>What a scripted fault does to a call.</summary>
public enum GatewayFaultKind
{
    /// <summary>402 <c>card_error</c>/<c>card_declined</c> with <see cref="GatewayFault.DeclineCode"/>; nothing captured; saved under the idempotency key, as Stripe does.</summary>
    Decline,

    /// <summary>429 <c>rate_limit</c>, with <c>Retry-After</c> when <see cref="GatewayFault.RetryAfter"/> is set; not executed, not saved.</summary>
    RateLimit,

    /// <summary>409 <c>idempotency_key_in_use</c>, as when another request with the key is running; not saved.</summary>
    Conflict,

    /// <summary>500 <c>api_error</c> before anything is done; <c>Stripe-Should-Retry</c> per <see cref="GatewayFault.ShouldRetry"/>; not saved.</summary>
    ServerError,

    /// <summary>The capture commits, then the answer is a 500 (no <c>Stripe-Should-Retry</c> unless set); the 500 is saved.</summary>
    ServerErrorAfterCommit,

    /// <summary>The connection is aborted before anything is done.</summary>
    DropBeforeCommit,

    /// <summary>The capture commits and its answer is saved, then the connection is aborted: the answer is lost.</summary>
    DropAfterCommit,

    /// <summary>
    /// The gateway holds the request for <see cref="GatewayFault.Stall"/> before doing anything (a
    /// slow gateway), then runs it and saves its answer even if the caller gave up meanwhile, as a
    /// real gateway does. While it is held its idempotency key is in use: the same key answers 409.
    /// </summary>
    StallBeforeCommit,

    /// <summary>
    /// The capture commits and its answer is saved, then the gateway says nothing for
    /// <see cref="GatewayFault.Stall"/> (or until the client goes away) before answering.
    /// </summary>
    StallAfterCommit,
}
