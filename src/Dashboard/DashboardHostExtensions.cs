using Jobs.Dashboard.Apis;
using Jobs.Dashboard.HangfireUi;
using Jobs.Dashboard.Security;
using Jobs.Dashboard.Ui;
using Jobs.Engine;
using Jobs.Engine.Diagnostics;
using Jobs.Hosting;
using Jobs.Operators;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;

namespace Jobs.Dashboard;

/// <summary>The dashboard host's wiring, in one place.</summary>
public static class DashboardHostExtensions
{
    /// <summary>
    /// The engine's client side (enqueue, steer, monitor), operator accounts, API keys and the audit
    /// log (src/Operators), the business jobs' services (webhook endpoints; their args records, which
    /// the API checks enqueues against), operator sign-in and API-key authentication, the pages and the API.
    /// </summary>
    public static WebApplicationBuilder AddDashboard(this WebApplicationBuilder builder)
    {
        builder.AddJobsHosting();
        var services = builder.Services;
        services.AddSettings<DashboardOptions>(DashboardOptions.SectionName);
        services.AddDashboardSecurity();
        services.AddJobsOperators();
        var jobs = services.AddJobsEngine().AddBusinessJobs();
        if (builder.Configuration.GetValue("Worker:DiagnosticJobs", true))
        {
            jobs.AddDiagnosticJobs();
        }
        // After the engine: data protection loads its key ring in a hosted service of its own, which
        // must start after the engine's, which migrates the operators' schema holding the keys.
        services.AddDatabaseKeyRing();
        services.AddSingleton<IPasswordHasher<OperatorAccount>, PasswordHasher<OperatorAccount>>();

        var dashboard = builder.Configuration.GetSection(DashboardOptions.SectionName).Get<DashboardOptions>() ?? new DashboardOptions();
        services.Configure<HostOptions>(o => o.ShutdownTimeout = dashboard.ShutdownTimeout);
        services.AddAuthentication(o => o.DefaultScheme = "jobs")
            // Pages sign in with a cookie; the API takes API keys. One scheme picks by path (and a
            // bearer key elsewhere, for the OpenAPI document, which either may read).
            .AddPolicyScheme("jobs", "Cookie or API key", o => o.ForwardDefaultSelector = context =>
                context.Request.Path.StartsWithSegments("/api") || context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                    ? DashboardPolicies.ApiKeyScheme
                    : DashboardPolicies.CookieScheme)
            .AddCookie(DashboardPolicies.CookieScheme, o =>
            {
                o.LoginPath = "/login";
                o.LogoutPath = "/logout";
                o.AccessDeniedPath = "/status/403";
                o.Cookie.Name = "jobs.session";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.Cookie.SecurePolicy = dashboard.SecureCookies ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
                o.ExpireTimeSpan = dashboard.SessionLifetime;
                o.SlidingExpiration = true;
                DashboardUi.ConfigureCookie(o);
            })
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(DashboardPolicies.ApiKeyScheme, null);
        services.AddAuthorization(DashboardPolicies.Add);
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "jobs.antiforgery";
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = dashboard.SecureCookies ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
        });
        services.AddProblemDetails();
        services.AddRazorPages();
        services.AddJobsApi();
        services.AddHangfireDashboardOnJobs();
        return builder;
    }

    /// <summary>Request context, security headers, sign-in, health (the only anonymous routes), metrics, the pages and the API.</summary>
    public static WebApplication MapDashboard(this WebApplication app)
    {
        app.UseDashboardForwardedHeaders();
        app.UseJobsRequestContext();
        app.UseSecurityHeaders();
        app.UseHttpsForSecureCookies();
        app.UseDashboardStatusPages();
        app.UseStaticFiles();
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.UseHangfireDashboardAudit();

        // Scrapers present an API key (any role); a signed-in operator may look too.
        app.MapJobsHostEndpoints()?.RequireAuthorization(DashboardPolicies.MetricsReader);
        app.MapRazorPages();
        app.MapDashboardUi();
        app.MapJobsApi();
        app.MapHangfireDashboardUnderRoles();
        return app;
    }
}
