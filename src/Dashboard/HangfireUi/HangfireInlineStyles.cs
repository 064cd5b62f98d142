using System.Text;
using System.Text.RegularExpressions;

namespace Jobs.Dashboard.HangfireUi;

/// <summary>
/// Serves the Hangfire Dashboard's pages without inline styles, so the host's content security
/// policy (<c>style-src 'self'</c>, no <c>'unsafe-inline'</c>) holds on them as on the native pages:
/// each <c>style="…"</c> attribute Hangfire writes becomes <c>data-style="…"</c>, and hangfire-csp.css
/// styles those by value. Only HTML answers are rewritten; its scripts, styles and fonts pass as they are.
/// </summary>
internal sealed partial class HangfireInlineStyles(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var original = context.Response.Body;
        await using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        try
        {
            await next(context);
        }
        finally
        {
            context.Response.Body = original;
        }
        buffer.Position = 0;
        if (context.Response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) != true)
        {
            await buffer.CopyToAsync(original, context.RequestAborted);
            return;
        }
        var html = StyleAttribute().Replace(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length), " data-style=");
        var bytes = Encoding.UTF8.GetBytes(html);
        context.Response.ContentLength = bytes.Length;
        await original.WriteAsync(bytes, context.RequestAborted);
    }

    [GeneratedRegex(@"\sstyle=(?="")")]
    private static partial Regex StyleAttribute();
}
