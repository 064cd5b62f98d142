using Jobs.Dashboard;
using Jobs.Dashboard.Cli;
using Jobs.Hosting;
using Jobs.Hosting.Health;

if (await DashboardCommands.TryRunAsync(args) is { } exitCode)
{
    return exitCode;
}
if (await HealthProbe.TryRunAsync(args, "http://127.0.0.1:8080/health/ready") is { } probed)
{
    return probed;
}

return await HostRunner.RunAsync(() =>
{
    var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
    builder.AddDashboard();
    var app = builder.Build();
    app.MapDashboard();
    return app;
});

/// <summary>The dashboard host; public for WebApplicationFactory in tests.</summary>
public partial class Program;
