using Jobs.Dashboard;
using Jobs.Engine;

var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddDashboard();

var app = builder.Build();
app.MapDashboard();
await app.RunStoppableAsync();

/// <summary>The dashboard host; public for WebApplicationFactory in tests.</summary>
public partial class Program;
