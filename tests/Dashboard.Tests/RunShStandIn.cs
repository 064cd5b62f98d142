extern alias sandbox;

using System.Net;
using System.Text.RegularExpressions;
using Jobs.Engine.Client;
using Jobs.Engine.Monitoring;
using Jobs.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Jobs.Dashboard.Tests;

/// <summary>
/// What scripts/run.sh starts, on a fresh schema: the sandbox, the dashboard and a worker as
/// processes pointed at it with run.sh's settings, the worker's demo command, and an operator API
/// key made on the command line as run.sh makes it.
/// </summary>
public sealed partial class RunShStandIn : IAsyncDisposable
{
    private readonly List<IDisposable> _processes = [];
    private TestSchema _schema = null!;
    private Microsoft.AspNetCore.Builder.WebApplication _sandbox = null!;
    private DirectoryInfo _backups = null!;
    private TestEngine _engine = null!;

    /// <summary>The dashboard's address, as <c>$JOBS</c>.</summary>
    public string Address { get; private set; } = "";

    /// <summary>The API key, as <c>$KEY</c>.</summary>
    public string Key { get; private set; } = "";

    /// <summary>A client on the schema (no server), to look at jobs.</summary>
    public IJobClient Client => _engine.Client;

    /// <summary>The monitor on the schema.</summary>
    public JobsMonitor Monitor => _engine.Services.GetRequiredService<JobsMonitor>();

    public static async Task<RunShStandIn> StartAsync()
    {
        var run = new RunShStandIn();
        try
        {
            await run.InitializeAsync();
            return run;
        }
        catch
        {
            await run.DisposeAsync();
            throw;
        }
    }

    private async Task InitializeAsync()
    {
        _schema = await TestSchema.CreateAsync(migrate: false);
        _sandbox = sandbox::Jobs.Sandbox.SandboxApp.Build(["--urls", "http://127.0.0.1:0"]);
        await _sandbox.StartAsync();
        var sandboxUrl = _sandbox.Urls.First().TrimEnd('/') + "/";
        _backups = Directory.CreateTempSubdirectory("jobs-run-sh-backups");
        // What scripts/run.sh exports for the business jobs.
        var settings = new Dictionary<string, string>
        {
            ["App__Payments__GatewayUrl"] = sandboxUrl + "gateway/",
            ["App__Payments__ApiKey"] = "sk_test_sandbox",
            ["App__Inventory__WarehouseUrl"] = sandboxUrl + "warehouse/",
            ["App__CacheWarming__Sitemaps__0"] = sandboxUrl + "cache/sitemap.xml",
            ["App__Backups__TargetDirectory"] = _backups.FullName,
            ["App__Webhooks__AllowLoopback"] = "true",
            ["Demo__SandboxUrl"] = sandboxUrl,
        };
        var dashboard = Track(HostProcess.StartDashboard(_schema, settings));
        Address = (await dashboard.AddressAsync()).ToString().TrimEnd('/');
        using (var http = new HttpClient())
        {
            await Eventually.ReturnsAsync(() => http.GetAsync(Address + "/health/ready"), r => r.StatusCode == HttpStatusCode.OK, "the dashboard to be ready");
        }
        Track(HostProcess.StartWorker(_schema, settings));
        using (var demo = HostProcess.StartHost("Jobs.Worker.dll", _schema, settings, ["demo"]))
        {
            Assert.True(await demo.WaitForExitAsync(TimeSpan.FromSeconds(120)) == 0, "the demo seeds the sandbox:\n" + demo.Output);
        }
        var (exitCode, output) = await HostProcess.RunDashboardCommandAsync(_schema, "create-api-key", "--name", "run.sh", "--role", "operator");
        Assert.True(exitCode == 0, output);
        Key = KeyLine().Match(output).Groups[1].Value;
        _engine = await TestEngine.StartAsync(_schema, server: false);
    }

    private HostProcess Track(HostProcess process)
    {
        _processes.Add(process);
        return process;
    }

    public async ValueTask DisposeAsync()
    {
        if (_engine is not null)
        {
            await _engine.DisposeAsync();
        }
        foreach (var process in _processes)
        {
            process.Dispose();
        }
        if (_sandbox is not null)
        {
            await _sandbox.DisposeAsync();
        }
        _backups?.Delete(recursive: true);
        if (_schema is not null)
        {
            await _schema.DisposeAsync();
        }
    }

    [GeneratedRegex(@"Key \(shown once\): (\S+)")]
    private static partial Regex KeyLine();
}
