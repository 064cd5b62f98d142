using System.Net;
using System.Text;
using Jobs.Engine;
using Jobs.Engine.Monitoring;

namespace Jobs.Dashboard;

/// <summary>The dashboard host's wiring, in one place.</summary>
public static class DashboardHostExtensions
{
    /// <summary>The engine's client side (enqueue, steer, monitor) for the operator pages and the API.</summary>
    public static WebApplicationBuilder AddDashboard(this WebApplicationBuilder builder)
    {
        builder.Services.AddJobsEngine();
        return builder;
    }

    /// <summary>The pages and health endpoints.</summary>
    public static WebApplication MapDashboard(this WebApplication app)
    {
        app.MapGet("/health/live", () => TypedResults.Ok(new { status = "live" }));
        app.MapGet("/health/ready", async (JobsMonitor monitor, CancellationToken cancellationToken) =>
        {
            var (ready, reason) = await monitor.CheckReadyAsync(cancellationToken);
            return ready
                ? Results.Ok(new { status = "ready", reason })
                : Results.Json(new { status = "unready", reason }, statusCode: StatusCodes.Status503ServiceUnavailable);
        });
        app.MapGet("/", OverviewAsync);
        return app;
    }

    private static async Task<IResult> OverviewAsync(JobsMonitor monitor, CancellationToken cancellationToken)
    {
        var counts = await monitor.CountByStateAsync(cancellationToken);
        var servers = await monitor.ServersAsync(cancellationToken);
        var html = new StringBuilder("""
            <!doctype html><html><head><meta charset="utf-8"><title>Jobs</title>
            <style>body{font-family:system-ui,sans-serif;margin:2rem}table{border-collapse:collapse}td,th{padding:.3rem .8rem;border-bottom:1px solid #ddd;text-align:left}</style>
            </head><body><h1>Jobs</h1><h2>Jobs by state</h2><table><tr><th>State</th><th>Jobs</th></tr>
            """);
        foreach (var (state, count) in counts)
        {
            html.Append("<tr><td>").Append(state).Append("</td><td>").Append(count).Append("</td></tr>");
        }
        html.Append("</table><h2>Servers</h2><table><tr><th>Server</th><th>Queues</th><th>Busy</th><th>Heartbeat</th></tr>");
        foreach (var server in servers)
        {
            html.Append("<tr><td>").Append(WebUtility.HtmlEncode(server.Id)).Append("</td><td>").Append(WebUtility.HtmlEncode(server.Queues))
                .Append("</td><td>").Append(server.Busy).Append('/').Append(server.Workers).Append("</td><td>")
                .Append(server.HeartbeatAt.ToString("u")).Append("</td></tr>");
        }
        html.Append("</table></body></html>");
        return Results.Content(html.ToString(), "text/html; charset=utf-8");
    }
}
