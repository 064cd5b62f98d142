using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.Net.Http.Headers;

namespace Jobs.Sandbox.CacheTargets;

/// <summary>
/// Cache targets under <c>/cache/</c>: pages (<c>/cache/pages/{path}</c>, any path) with an ETag
/// and a Last-Modified that answer 304 to a matching conditional request, a sitemap
/// (<c>/cache/sitemap.xml</c>) and a sitemap index (<c>/cache/sitemap-index.xml</c>). Failures
/// and slowness are scripted per path through <see cref="CacheTargetsState"/>, or from a URL with
/// <c>?status=503</c> and <c>?delayMs=2000</c> (for demos).
/// </summary>
public static class CacheTargetsPeer
{
    private static readonly XNamespace Sitemaps = "http://www.sitemaps.org/schemas/sitemap/0.9";

    public static IServiceCollection AddCacheTargets(this IServiceCollection services) =>
        services.AddSingleton<CacheTargetsState>();

    public static WebApplication MapCacheTargets(this WebApplication app)
    {
        app.MapGet("/cache/{**rest}", (HttpContext context, CacheTargetsState state) => AnswerAsync(context, state));
        return app;
    }

    private static async Task AnswerAsync(HttpContext context, CacheTargetsState state)
    {
        var request = context.Request;
        var path = request.Path.Value!;
        var arrived = DateTimeOffset.UtcNow;
        var status = 0;
        state.Entered();
        try
        {
            var delay = state.DelayOf(path);
            if (int.TryParse(request.Query["delayMs"], CultureInfo.InvariantCulture, out var delayMs))
            {
                delay = TimeSpan.FromMilliseconds(delayMs);
            }
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, context.RequestAborted);
            }
            status = state.ScriptedStatus(path)
                ?? (int.TryParse(request.Query["status"], CultureInfo.InvariantCulture, out var asked) ? asked : 0);
            if (status != 0)
            {
                context.Response.StatusCode = status;
                await context.Response.WriteAsync($"scripted {status}", context.RequestAborted);
                return;
            }
            status = path switch
            {
                "/cache/sitemap.xml" => await SitemapAsync(context, state),
                "/cache/sitemap-index.xml" => await SitemapIndexAsync(context),
                _ when path.StartsWith("/cache/pages/", StringComparison.Ordinal) => await PageAsync(context, state, path),
                _ => NotFound(context),
            };
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            status = 0;
        }
        finally
        {
            state.Left(new CacheRequest(path, request.Headers.IfNoneMatch.FirstOrDefault(), request.Headers.IfModifiedSince.FirstOrDefault(),
                status, arrived));
        }
    }

    private static async Task<int> PageAsync(HttpContext context, CacheTargetsState state, string path)
    {
        var version = state.VersionOf(path);
        var etag = new EntityTagHeaderValue($"\"{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{path}#{version}")))[..16]}\"");
        var lastModified = state.Published.AddMinutes(version);
        var headers = context.Response.GetTypedHeaders();
        headers.ETag = etag;
        headers.LastModified = lastModified;
        headers.CacheControl = new CacheControlHeaderValue { Public = true, MaxAge = TimeSpan.FromMinutes(5) };

        var requestHeaders = context.Request.GetTypedHeaders();
        // RFC 9110 13.2.2: If-None-Match wins; If-Modified-Since counts only without it.
        var notModified = requestHeaders.IfNoneMatch is { Count: > 0 } candidates
            ? candidates.Any(c => c.Equals(EntityTagHeaderValue.Any) || c.Compare(etag, useStrongComparison: false))
            : requestHeaders.IfModifiedSince is { } since && lastModified <= since;
        if (notModified)
        {
            context.Response.StatusCode = StatusCodes.Status304NotModified;
            return StatusCodes.Status304NotModified;
        }
        context.Response.ContentType = "text/html; charset=utf-8";
        await context.Response.WriteAsync(
            $"<!doctype html><html><head><title>{path}</title></head><body><h1>{path}</h1><p>version {version}</p></body></html>",
            context.RequestAborted);
        return StatusCodes.Status200OK;
    }

    private static async Task<int> SitemapAsync(HttpContext context, CacheTargetsState state)
    {
        var origin = $"{context.Request.Scheme}://{context.Request.Host}";
        var document = new XDocument(new XElement(Sitemaps + "urlset",
            state.SitemapPages.Select(p => new XElement(Sitemaps + "url", new XElement(Sitemaps + "loc", $"{origin}/cache/pages/{p}")))));
        return await XmlAsync(context, document);
    }

    private static async Task<int> SitemapIndexAsync(HttpContext context)
    {
        var document = new XDocument(new XElement(Sitemaps + "sitemapindex",
            new XElement(Sitemaps + "sitemap", new XElement(Sitemaps + "loc", "sitemap.xml"))));
        return await XmlAsync(context, document);
    }

    private static async Task<int> XmlAsync(HttpContext context, XDocument document)
    {
        context.Response.ContentType = "application/xml; charset=utf-8";
        await context.Response.WriteAsync(document.Declaration + document.ToString(), context.RequestAborted);
        return StatusCodes.Status200OK;
    }

    private static int NotFound(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status404NotFound;
        return StatusCodes.Status404NotFound;
    }
}
