using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Jobs.Sandbox.Gateway;

/// <summary>
/// A payment gateway speaking the subset of Stripe's PaymentIntent API that capturing needs, with
/// Stripe's idempotency rules and scriptable faults (declines, 429, 5xx, lost and stalled answers).
/// </summary>
public static class GatewayPeer
{
    /// <summary>Adds the gateway's state (<see cref="GatewayState"/>) as a singleton.</summary>
    public static IServiceCollection AddGateway(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp =>
        {
            var state = new GatewayState(sp.GetRequiredService<TimeProvider>());
            // The payment docs/api.md captures (ledger payment 42, seeded by the worker's demo command).
            state.CreateIntent(DocsPaymentAmount, "usd", DocsPaymentIntent);
            return state;
        });
        return services;
    }

    /// <summary>The authorized intent the examples of docs/api.md capture, there whenever the sandbox runs.</summary>
    public const string DocsPaymentIntent = "pi_sandbox_docs_42";

    /// <summary>What it authorizes: 15.00 USD, in cents.</summary>
    public const long DocsPaymentAmount = 1500;

    /// <summary>Maps the gateway's routes under <c>/gateway</c>.</summary>
    public static WebApplication MapGateway(this WebApplication app)
    {
        GatewayApi.Map(app);
        return app;
    }
}
