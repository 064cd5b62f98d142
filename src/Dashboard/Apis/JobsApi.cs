namespace Jobs.Dashboard.Apis;

/// <summary>The HTTP API for other applications, under <c>/api/v1</c>.</summary>
public static class JobsApi
{
    /// <summary>The API's services.</summary>
    public static IServiceCollection AddJobsApi(this IServiceCollection services) => services;

    /// <summary>The API's routes.</summary>
    public static WebApplication MapJobsApi(this WebApplication app)
    {
        app.MapGroup("/api/v1").RequireAuthorization(Security.DashboardPolicies.ApiProducer);
        return app;
    }
}
