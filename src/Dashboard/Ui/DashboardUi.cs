using Jobs.Dashboard.Security;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Jobs.Dashboard.Ui;

/// <summary>The operator pages' wiring: sessions, refusals as pages, the overview's live data.</summary>
public static class DashboardUi
{
    /// <summary>
    /// Operator sessions are re-checked at each request; the way to the sign-in page is a relative
    /// address; a refusal answers 403 with a page (not a redirect).
    /// </summary>
    public static void ConfigureCookie(CookieAuthenticationOptions options)
    {
        options.Events.OnValidatePrincipal = OperatorSession.ValidateAsync;
        var toLogin = options.Events.OnRedirectToLogin;
        options.Events.OnRedirectToLogin = context =>
        {
            // The handler makes an absolute address from the request's Host header, which the client
            // chooses: a forged Host would be sent back as the place to sign in. The path is enough.
            context.RedirectUri = PathOnly(context.Request, context.RedirectUri);
            return toLogin(context);
        };
        options.Events.OnRedirectToAccessDenied = context =>
        {
            // The status page renders it (status code pages below), so a refused post answers 403 itself.
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return Task.CompletedTask;
        };
    }

    /// <summary>The path and query of an address the cookie handler made absolute with the request's scheme and host.</summary>
    internal static string PathOnly(HttpRequest request, string address)
    {
        var origin = request.Scheme + Uri.SchemeDelimiter + request.Host.ToUriComponent();
        if (address.StartsWith(origin, StringComparison.Ordinal) && address.Length > origin.Length && address[origin.Length] == '/')
        {
            return address[origin.Length..];
        }
        return Uri.TryCreate(address, UriKind.Absolute, out var absolute) ? absolute.PathAndQuery : address;
    }

    /// <summary>Error statuses of pages (not of the API, which answers problem+json) render the status page.</summary>
    public static IApplicationBuilder UseDashboardStatusPages(this IApplicationBuilder app) =>
        app.UseWhen(context => !context.Request.Path.StartsWithSegments("/api") && !context.Request.Path.StartsWithSegments("/health"),
            branch => branch.UseStatusCodePagesWithReExecute("/status/{0}"));

    /// <summary>The routes of the pages besides Razor Pages themselves.</summary>
    public static WebApplication MapDashboardUi(this WebApplication app)
    {
        OverviewData.Map(app);
        return app;
    }

    /// <summary>The role names, for forms.</summary>
    public static readonly string[] Roles = ["viewer", "operator", "admin"];

    /// <summary>The cookie scheme's name, for sign-in.</summary>
    public const string Scheme = DashboardPolicies.CookieScheme;
}
