using Hangfire;
using Hangfire.Dashboard;
using Jobs.Dashboard.Security;
using Jobs.Hangfire;

namespace Jobs.Dashboard.HangfireUi;

/// <summary>
/// The real Hangfire Dashboard (Hangfire.AspNetCore) at <see cref="Path"/>, over the engine's tables
/// through <see cref="JobsStorage"/>, behind the host's own sign-in and roles: anonymous visitors are
/// sent to the sign-in page, viewers read (no buttons; a forged post is refused with 403), operators
/// and admins requeue, delete and trigger, and every such action lands in the audit log under their
/// name (<see cref="HangfireAuditMiddleware"/>). The host's content security policy stays as strict
/// as on the native pages (see hangfire-csp.css for the one thing that needed care).
/// </summary>
public static class HangfireDashboardSetup
{
    /// <summary>Where the Hangfire Dashboard lives.</summary>
    public const string Path = "/hangfire";

    /// <summary>Hangfire's services on the host's own engine (one pool, one schema), without a Hangfire server.</summary>
    public static IServiceCollection AddHangfireDashboardOnJobs(this IServiceCollection services)
    {
        services.AddHangfire((provider, configuration) => configuration
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseJobsStorage(provider, new JobsStorageOptions { PrepareSchemaIfNecessary = false }));
        // Hangfire's pages style themselves from one bundle; ours joins it (same origin, so the CSP allows it).
        DashboardRoutes.AddStylesheet(typeof(HangfireDashboardSetup).Assembly, "Jobs.Dashboard.HangfireUi.hangfire-csp.css");
        DashboardRoutes.AddJavaScript(typeof(HangfireDashboardSetup).Assembly, "Jobs.Dashboard.HangfireUi.hangfire-csp.js");
        return services;
    }

    /// <summary>Maps the Hangfire Dashboard for signed-in operators, and audits its actions.</summary>
    public static WebApplication MapHangfireDashboardUnderRoles(this WebApplication app)
    {
        app.MapHangfireDashboard(Path, new global::Hangfire.DashboardOptions
        {
            // Hangfire's "Back to site" leads to the native pages.
            AppPath = "/",
            DashboardTitle = "Jobs · Hangfire Dashboard",
            // Hangfire's default filter (local requests only) would refuse every remote operator; the
            // host's roles decide instead, checked again here for every request Hangfire serves.
            Authorization = [],
            AsyncAuthorization = [new HangfireRoleFilter()],
            IsReadOnlyFunc = context => !HangfireRoleFilter.MayAct(context.GetHttpContext().User),
            DisplayStorageConnectionString = false,
            FaviconPath = "/favicon.svg",
        }).RequireAuthorization(DashboardPolicies.Viewer);
        return app;
    }

    /// <summary>
    /// Records Hangfire Dashboard actions in the audit log, and serves its pages without inline styles
    /// (after routing and authorization, before the endpoint runs).
    /// </summary>
    public static IApplicationBuilder UseHangfireDashboardAudit(this IApplicationBuilder app) =>
        app.UseWhen(context => HttpMethods.IsPost(context.Request.Method) && context.Request.Path.StartsWithSegments(Path),
                branch => branch.UseMiddleware<HangfireAuditMiddleware>())
            .UseWhen(context => HttpMethods.IsGet(context.Request.Method) && context.Request.Path.StartsWithSegments(Path),
                branch => branch.UseMiddleware<HangfireInlineStyles>());
}
