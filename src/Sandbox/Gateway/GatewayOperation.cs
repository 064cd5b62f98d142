namespace Jobs.Sandbox.Gateway;

/// <summary>The gateway calls the sandbox implements, for scripting faults and reading its request log.</summary>
public enum GatewayOperation
{
    /// <summary><c>POST /v1/payment_intents/{id}/capture</c>.</summary>
    Capture,

    /// <summary><c>GET /v1/payment_intents/{id}</c>.</summary>
    Retrieve,

    /// <summary><c>POST /v1/payment_intents</c>.</summary>
    Create,

    /// <summary><c>POST /v1/payment_intents/{id}/cancel</c>.</summary>
    Cancel,
}
