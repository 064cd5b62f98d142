using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Jobs.Dashboard.Security;

/// <summary>
/// How requests reach the dashboard: forwarded headers from known proxies only, and with secure
/// cookies a clear refusal of pages requested over plain HTTP (instead of the antiforgery's 500).
/// </summary>
public static partial class DashboardTransport
{
    /// <summary>
    /// Believes <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> from the proxies of
    /// <c>Dashboard:ForwardedHeaders</c>; the pages' flash-message cookie follows <c>Dashboard:SecureCookies</c>
    /// like the session and antiforgery cookies.
    /// </summary>
    public static IServiceCollection AddDashboardTransport(this IServiceCollection services)
    {
        services.AddOptions<CookieTempDataProviderOptions>().Configure<IOptions<DashboardOptions>>((options, dashboard) =>
        {
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.SecurePolicy = dashboard.Value.SecureCookies ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
        });
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<DashboardOptions>>((options, dashboard) =>
        {
            var settings = dashboard.Value.ForwardedHeaders;
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            options.ForwardLimit = settings.ForwardLimit;
            if (settings.LoopbackOnly)
            {
                return; // the defaults: 127.0.0.0/8 and ::1
            }
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
            foreach (var proxy in settings.KnownProxies)
            {
                options.KnownProxies.Add(IPAddress.Parse(proxy));
            }
            foreach (var network in settings.KnownNetworks)
            {
                options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
            }
        });
        return services;
    }

    /// <summary>First in the pipeline, so that everything after it sees the client's address and scheme.</summary>
    public static IApplicationBuilder UseDashboardForwardedHeaders(this IApplicationBuilder app) => app.UseForwardedHeaders();

    /// <summary>
    /// With <c>Dashboard:SecureCookies</c> on, a page requested over plain HTTP could neither sign in
    /// nor post a form (its cookies would never come back): it answers 400 with a page naming the
    /// settings. The API and its OpenAPI document, health, metrics and static files are not concerned:
    /// API keys and scrapers need no cookie.
    /// </summary>
    public static IApplicationBuilder UseHttpsForSecureCookies(this IApplicationBuilder app)
    {
        var options = app.ApplicationServices.GetRequiredService<IOptions<DashboardOptions>>().Value;
        if (!options.SecureCookies)
        {
            return app;
        }
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DashboardTransport));
        var warned = 0;
        return app.Use(async (context, next) =>
        {
            if (context.Request.IsHttps || !NeedsCookies(context.Request.Path))
            {
                await next(context);
                return;
            }
            // The header is still there when the middleware did not believe it: its sender is no known proxy.
            var peer = context.Connection.RemoteIpAddress;
            var ignoredProto = context.Request.Headers[ForwardedHeadersDefaults.XForwardedProtoHeaderName].ToString();
            var level = Interlocked.Exchange(ref warned, 1) == 0 ? LogLevel.Warning : LogLevel.Debug;
            LogPlainHttp(logger, level, peer?.ToString() ?? "unknown", ignoredProto.Length > 0 ? ignoredProto : "(none)");
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            context.Response.ContentType = "text/html; charset=utf-8";
            await context.Response.WriteAsync(HttpsRequiredPage(peer, ignoredProto), context.RequestAborted);
        });
    }

    /// <summary>The explanation of the refusal, which names the settings.</summary>
    public const string HttpsRequired =
        "Dashboard:SecureCookies is true, so the dashboard's cookies (sign-in, forms) travel over HTTPS only, and this request came over plain HTTP.";

    private static bool NeedsCookies(PathString path) =>
        !path.StartsWithSegments("/api") && !path.StartsWithSegments("/openapi") && !path.StartsWithSegments("/health") && !path.StartsWithSegments("/metrics") &&
        !path.StartsWithSegments("/css") && !path.StartsWithSegments("/js") && !path.StartsWithSegments("/favicon.svg");

    private static string HttpsRequiredPage(IPAddress? peer, string ignoredProto)
    {
        var proxyHint = ignoredProto.Length > 0
            ? $"<p>This request carried <code>X-Forwarded-Proto: {WebUtility.HtmlEncode(ignoredProto)}</code> from {WebUtility.HtmlEncode(peer?.ToString() ?? "an unknown address")}, " +
              "which is not a known proxy: add that address to <code>Dashboard:ForwardedHeaders:KnownProxies</code> (or its network to <code>KnownNetworks</code>).</p>"
            : "";
        return $"""
            <!DOCTYPE html>
            <html lang="en">
            <head><meta charset="utf-8" /><title>HTTPS required · Jobs</title><link rel="stylesheet" href="/css/site.css" /></head>
            <body><main class="page page-narrow"><div class="card status-card">
            <p class="status-code">400</p>
            <h1>This dashboard needs HTTPS</h1>
            <p>{HttpsRequired}</p>
            {proxyHint}
            <p>Open it over https://, or behind a TLS-terminating proxy that sends <code>X-Forwarded-Proto: https</code> from an address in
            <code>Dashboard:ForwardedHeaders:KnownProxies</code> or <code>KnownNetworks</code> (loopback by default).
            For a local run over plain HTTP only, set <code>Dashboard:SecureCookies</code> to false.</p>
            </div></main></body>
            </html>
            """;
    }

    [LoggerMessage(EventId = 6001, Message = "A page was requested over plain HTTP from {Peer} (X-Forwarded-Proto {ForwardedProto}) while Dashboard:SecureCookies is true; it was refused with 400. Serve the dashboard over HTTPS or list its TLS proxy in Dashboard:ForwardedHeaders.")]
    private static partial void LogPlainHttp(ILogger logger, LogLevel level, string peer, string forwardedProto);
}
