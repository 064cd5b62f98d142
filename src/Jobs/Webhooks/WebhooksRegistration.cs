using Jobs.Engine;
using Jobs.Engine.Client;
using Jobs.Engine.Handlers;
using Jobs.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Jobs.Webhooks;

/// <summary>Registers webhook delivery: options, services, the guarded HTTP client and the <c>webhook.deliver</c> kind.</summary>
public static class WebhooksRegistration
{
    /// <summary>
    /// The retry schedule after each failed attempt, as Svix's: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h,
    /// 10 h (the first attempt runs at once); 8 attempts in all, about 28 hours, then dead.
    /// </summary>
    public static IReadOnlyList<TimeSpan> RetrySchedule { get; } =
    [
        TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(2),
        TimeSpan.FromHours(5), TimeSpan.FromHours(10), TimeSpan.FromHours(10),
    ];

    /// <summary>Adds webhook delivery. Options bind from <c>App:Webhooks</c>; the kind's policy from <c>Jobs:Kinds:webhook.deliver</c>.</summary>
    public static JobsBuilder AddWebhooks(this JobsBuilder jobs)
    {
        var services = jobs.Services;
        services.AddSettings<WebhooksOptions>(WebhooksOptions.SectionName);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WebhooksOptions>, WebhooksOptionsValidator>());
        services.TryAddSingleton<WebhookStore>();
        services.TryAddSingleton<WebhookSecrets>();
        services.TryAddSingleton<WebhookAddressGuard>();
        services.TryAddSingleton<WebhookSender>();
        services.TryAddSingleton(sp => new WebhookEndpoints(sp.GetRequiredService<WebhookStore>(), sp.GetRequiredService<WebhookSecrets>(),
            sp.GetRequiredService<WebhookAddressGuard>(), sp.GetRequiredService<IJobClient>(), sp.GetRequiredService<IOptions<WebhooksOptions>>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<WebhookEndpoints>>()));
        services.TryAddSingleton(sp => new WebhookMessages(sp.GetRequiredService<WebhookStore>()));
        services.TryAddSingleton(sp => new WebhookPublisher(sp.GetRequiredService<WebhookStore>(), sp.GetRequiredService<IJobClient>(),
            sp.GetRequiredService<ILogger<WebhookPublisher>>()));

        services.AddHttpClient(WebhookSender.HttpClientName, client =>
            {
                // The resilience handler bounds each call (App:Webhooks:Timeout); the job's token bounds the rest.
                client.Timeout = Timeout.InfiniteTimeSpan;
                client.DefaultRequestHeaders.UserAgent.ParseAdd("Jobs-Webhooks/1.0");
            })
            .ConfigurePrimaryHttpMessageHandler(sp => new SocketsHttpHandler
            {
                // Redirects are failures, not followed (a 3xx could point anywhere). No proxy: through
                // one, the connect callback would check the proxy's address, not the endpoint's.
                AllowAutoRedirect = false,
                UseProxy = false,
                UseCookies = false,
                ConnectCallback = sp.GetRequiredService<WebhookAddressGuard>().ConnectAsync,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            })
            // The factory's default lines name full URLs, and endpoint URLs may carry tokens.
            .RemoveAllLoggers()
            .AddOutboundResilience<WebhooksOptions>(o => new(o.Timeout, o.BreakDuration, o.BreakerMinimumThroughput))
            // A breaker per endpoint, not per host: one failing endpoint must not stop another on the same host.
            .SelectPipelineBy(_ => request => request.Options.TryGetValue(WebhookSender.Endpoint, out var endpoint)
                ? endpoint
                : request.RequestUri!.GetLeftPart(UriPartial.Authority));

        jobs.AddHandler<WebhookDeliverHandler, WebhookDeliverArgs>(kind =>
        {
            // A queue of its own: a storm of webhooks to slow receivers never holds up other jobs.
            kind.Queue = "webhooks";
            kind.MaxAttempts = RetrySchedule.Count + 1;
            kind.Retry = new RetryOptions { Schedule = RetrySchedule.ToList(), Jitter = 0.2 };
            kind.Timeout = TimeSpan.FromMinutes(1);
            // At most this many requests in flight to one endpoint across all workers, so a slow
            // endpoint holds a few workers, not the queue.
            kind.PartitionLimit = 4;
        });
        return jobs;
    }
}
