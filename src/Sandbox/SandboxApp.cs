using Jobs.Sandbox.CacheTargets;

namespace Jobs.Sandbox;

/// <summary>
/// The sandbox peers in one web host. Each peer lives in its own folder with a
/// <c>AddXxx(IServiceCollection)</c> for its state and a <c>MapXxx(WebApplication)</c> for its routes.
/// </summary>
public static class SandboxApp
{
    /// <summary>Builds the host; <c>--urls http://127.0.0.1:0</c> picks a free port.</summary>
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        // PEERS: services
        builder.Services.AddCacheTargets();
        var app = builder.Build();
        app.MapGet("/", () => "jobs sandbox");
        // PEERS: routes
        app.MapCacheTargets();
        return app;
    }
}
