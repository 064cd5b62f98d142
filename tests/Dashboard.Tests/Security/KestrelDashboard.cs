using Jobs.Operators;
using Jobs.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Jobs.Dashboard.Tests.Security;

/// <summary>
/// The dashboard host on a real Kestrel port of 127.0.0.1, so that client addresses, schemes and Host
/// headers are what a socket brings, on a fresh schema, with a clock the test moves. Secure cookies
/// stay on (the production default) unless a test's settings say otherwise.
/// </summary>
public sealed class KestrelDashboard : IAsyncDisposable
{
    public const string Password = "kestrel-test-password";

    private readonly WebApplicationFactory<Program> _factory;
    private readonly bool _ownsSchema;

    private KestrelDashboard(TestSchema schema, bool ownsSchema, WebApplicationFactory<Program> factory, ManualTimeProvider time, Uri address, CapturedLogs logs)
    {
        _ownsSchema = ownsSchema;
        Logs = logs;
        Schema = schema;
        _factory = factory;
        Time = time;
        Address = address;
    }

    public TestSchema Schema { get; }
    public CapturedLogs Logs { get; }
    public ManualTimeProvider Time { get; }
    public Uri Address { get; }
    public IServiceProvider Services => _factory.Services;

    /// <summary>
    /// Starts a dashboard on a fresh schema, or (with <paramref name="sharing"/>) as a second instance on another
    /// one's schema, or on <paramref name="existing"/>, which the caller keeps and disposes.
    /// </summary>
    public static async Task<KestrelDashboard> StartAsync(IReadOnlyDictionary<string, string>? settings = null, KestrelDashboard? sharing = null,
        TestSchema? existing = null)
    {
        var schema = sharing?.Schema ?? existing ?? await TestSchema.CreateAsync(migrate: false);
        var time = new ManualTimeProvider(DateTimeOffset.UtcNow);
        var logs = new CapturedLogs();
        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("ConnectionStrings:Jobs", TestDatabase.ConnectionString);
            web.UseSetting("Jobs:Schema", schema.Name);
            web.UseSetting("App:Schema", schema.AppSchema);
            web.UseSetting("App:Webhooks:SecretKey", TestKeys.WebhookSecretKey);
            foreach (var (key, value) in settings ?? new Dictionary<string, string>())
            {
                web.UseSetting(key, value);
            }
            web.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(time));
            web.ConfigureLogging(logging => logging.AddProvider(logs));
        });
        factory.UseKestrel(options => options.Listen(System.Net.IPAddress.Loopback, 0));
        factory.StartServer(); // migrates the schema
        var address = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new KestrelDashboard(schema, sharing is null && existing is null, factory, time, new Uri(address), logs);
    }

    public async Task<long> CreateOperatorAsync(string username, OperatorRole role = OperatorRole.Admin) =>
        await Services.GetRequiredService<OperatorAccounts>().CreateAsync(username,
            Services.GetRequiredService<IPasswordHasher<OperatorAccount>>().HashPassword(null!, Password), role, "test");

    /// <summary>A browser, directly at Kestrel or (with <paramref name="forwardedFor"/>) behind a proxy on loopback.</summary>
    public Browser Browser(string? forwardedFor = null, string? forwardedProto = null) => new(Address, forwardedFor, forwardedProto);

    /// <summary>A browser behind a TLS-terminating proxy on loopback, at the client address <paramref name="client"/>.</summary>
    public Browser BehindTlsProxy(string client = "203.0.113.10") => Browser(client, "https");

    public async ValueTask DisposeAsync()
    {
        await _factory.DisposeAsync();
        if (_ownsSchema)
        {
            await Schema.DisposeAsync();
        }
    }
}
