using Jobs.Dashboard;
using Jobs.Dashboard.Cli;
using Jobs.Engine;

if (await DashboardCommands.TryRunAsync(args) is { } exitCode)
{
    return exitCode;
}

var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddDashboard();

var app = builder.Build();
app.MapDashboard();
await app.RunStoppableAsync();
return 0;

/// <summary>The dashboard host; public for WebApplicationFactory in tests.</summary>
public partial class Program;
