using Jobs.Engine.Diagnostics;
using Jobs.Sandbox;
using Jobs.Sandbox.Receiver;
using Jobs.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Jobs.Dashboard.BrowserTests;

/// <summary>
/// The dashboard fixture with webhook delivery end to end: the sandbox's webhook receiver on a
/// loopback port (endpoints may point at loopback here, as under scripts/run.sh) and a worker that
/// runs the business jobs, so a webhook endpoint made on the page receives real, signed deliveries.
/// </summary>
public sealed class OperatorConsoleFixture : DashboardFixture
{
    private WebApplication _sandbox = null!;

    /// <summary>Where the sandbox listens, e.g. http://127.0.0.1:41234/.</summary>
    public Uri SandboxUri { get; private set; } = null!;

    /// <summary>What the receiver got.</summary>
    public ReceiverState Receiver => _sandbox.Services.GetRequiredService<ReceiverState>();

    /// <summary>The receiver's address for <paramref name="name"/>.</summary>
    public string ReceiverUrl(string name) => new Uri(SandboxUri, "receiver/" + name).AbsoluteUri;

    protected override IReadOnlyDictionary<string, string?> DashboardSettings => new Dictionary<string, string?>
    {
        ["App:Webhooks:AllowLoopback"] = "true",
    };

    protected override Task<TestEngine> StartWorkerAsync() =>
        TestEngine.StartAsync(Schema, jobs => jobs.AddDiagnosticJobs().AddBusinessJobs(), new Dictionary<string, string?>
        {
            ["App:Schema"] = Schema.AppSchema,
            ["App:Webhooks:SecretKey"] = TestKeys.WebhookSecretKey,
            ["App:Webhooks:AllowLoopback"] = "true",
            ["Jobs:Server:Queues:default"] = "4",
            ["Jobs:Server:Queues:webhooks"] = "4",
        });

    public override async Task InitializeAsync()
    {
        _sandbox = SandboxApp.Build(["--urls", "http://127.0.0.1:0"]);
        await _sandbox.StartAsync();
        var address = _sandbox.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        SandboxUri = new Uri(address.EndsWith('/') ? address : address + "/");
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _sandbox.StopAsync();
        await _sandbox.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class OperatorConsoleCollection : ICollectionFixture<OperatorConsoleFixture>
{
    public const string Name = "operator-console";
}
