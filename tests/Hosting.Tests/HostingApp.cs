using System.Net;
using Jobs.Engine;
using Jobs.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Jobs.Hosting.Tests;

/// <summary>
/// A bare web host with only what src/Hosting adds (and the engine's client, whose readiness check it
/// reads) on Kestrel at 127.0.0.1, against a test schema: neither the worker nor the dashboard.
/// </summary>
internal sealed class HostingApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private HostingApp(WebApplication app, CapturedLogs logs)
    {
        _app = app;
        Logs = logs;
        Http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
    }

    public HttpClient Http { get; }
    public CapturedLogs Logs { get; }
    public IServiceProvider Services => _app.Services;

    /// <summary>Builds the host; <paramref name="configure"/> may add settings sources, <paramref name="map"/> endpoints.</summary>
    public static WebApplication Build(TestSchema schema, IReadOnlyDictionary<string, string?>? settings, out CapturedLogs logs,
        Action<IConfigurationBuilder>? configure = null, Action<WebApplication>? map = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production", ContentRootPath = AppContext.BaseDirectory });
        var values = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Jobs"] = TestDatabase.ConnectionString,
            ["Jobs:Schema"] = schema.Name,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }
        builder.Configuration.AddInMemoryCollection(values);
        configure?.Invoke(builder.Configuration);
        builder.AddJobsHosting();
        logs = new CapturedLogs();
        builder.Logging.AddProvider(logs);
        builder.Services.AddJobsEngine();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.UseJobsRequestContext();
        app.MapJobsHostEndpoints();
        map?.Invoke(app);
        return app;
    }

    public static async Task<HostingApp> StartAsync(TestSchema schema, IReadOnlyDictionary<string, string?>? settings = null,
        Action<WebApplication>? map = null)
    {
        var app = Build(schema, settings, out var logs, map: map);
        await app.StartAsync();
        return new HostingApp(app, logs);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
