using Jobs.Engine.Client;
using Jobs.Engine.Handlers;
using Jobs.Engine.States;
using Jobs.Sandbox.Receiver;
using Jobs.Testing;
using Jobs.Tests.Support;
using Jobs.Webhooks;
using Microsoft.Extensions.DependencyInjection;

namespace Jobs.Tests.Webhooks;

/// <summary>
/// A worker with the business jobs, the sandbox's webhook receiver on loopback, and shortcuts to
/// the webhook services. Retries wait <c>retryDelay</c> instead of Svix's minutes and hours.
/// </summary>
internal sealed class WebhookHarness : IAsyncDisposable
{
    private readonly TestSchema _schema;

    private WebhookHarness(TestSchema schema, SandboxHost sandbox, TestEngine engine)
    {
        _schema = schema;
        Sandbox = sandbox;
        Engine = engine;
    }

    public SandboxHost Sandbox { get; }
    public TestEngine Engine { get; }
    public ReceiverState Receiver => Sandbox.Get<ReceiverState>();
    public WebhookEndpoints Endpoints => Engine.Services.GetRequiredService<WebhookEndpoints>();
    public WebhookPublisher Publisher => Engine.Services.GetRequiredService<WebhookPublisher>();
    public IJobClient Client => Engine.Client;

    public static async Task<WebhookHarness> StartAsync(TestSchema schema, Dictionary<string, string?>? settings = null,
        TimeSpan? retryDelay = null, SandboxHost? sandbox = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["Jobs:Server:Queues:webhooks"] = "8",
            ["App:Webhooks:AllowLoopback"] = "true",
            ["App:Webhooks:Timeout"] = "00:00:05",
            ["App:Webhooks:BreakDuration"] = "00:00:00.500",
            ["App:Webhooks:BreakerMinimumThroughput"] = "1000",
        };
        foreach (var (key, value) in settings ?? [])
        {
            values[key] = value;
        }
        sandbox ??= await SandboxHost.StartAsync();
        var delay = retryDelay ?? TimeSpan.FromMilliseconds(100);
        var engine = await BusinessEngine.StartAsync(schema, values, services: s => FastRetries(s, delay));
        return new WebhookHarness(schema, sandbox, engine);
    }

    /// <summary>The receiver's URL for <paramref name="name"/>.</summary>
    public string Url(string name) => new Uri(Sandbox.BaseUri, "receiver/" + name).AbsoluteUri;

    public Task<JobInfo> FinishedAsync(long jobId, JobState state, TimeSpan? limit = null) =>
        Eventually.ReturnsAsync(async () => (await Client.GetAsync(jobId))!, j => j.State == state,
            $"job {jobId} to be {state}", limit);

    public async Task<DeliveryRecord> DeliveryAsync(string messageId, long endpointId) =>
        (await _schema.QueryAsync<DeliveryRecord>(
            "select status, attempts, last_status_code as LastStatusCode, last_error as LastError from {app}.webhook_delivery " +
            "where message_id = @messageId and endpoint_id = @endpointId", new { messageId, endpointId })).Single();

    public async ValueTask DisposeAsync()
    {
        await Engine.DisposeAsync();
        await Sandbox.DisposeAsync();
    }

    /// <summary>
    /// Replaces the Svix schedule in code with a short one. (Configuration cannot: binding
    /// <c>Jobs:Kinds:webhook.deliver:Retry:Schedule</c> appends to the list set in code.)
    /// </summary>
    private static void FastRetries(IServiceCollection services, TimeSpan delay)
    {
        var registration = services.Select(d => d.ImplementationInstance).OfType<JobKindRegistration>()
            .Single(r => r.Kind == WebhookDeliverArgs.Kind);
        registration.Options.Retry = new RetryOptions { Schedule = [delay], Jitter = 0 };
    }

    public sealed record DeliveryRecord(string Status, int Attempts, int? LastStatusCode, string? LastError);
}
