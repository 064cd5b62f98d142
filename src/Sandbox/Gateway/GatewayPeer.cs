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
        services.TryAddSingleton<GatewayState>();
        return services;
    }

    /// <summary>Maps the gateway's routes under <c>/gateway</c>.</summary>
    public static WebApplication MapGateway(this WebApplication app)
    {
        GatewayApi.Map(app);
        return app;
    }
}
