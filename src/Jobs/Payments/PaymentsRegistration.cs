using Jobs.Engine;
using Jobs.Engine.Handlers;
using Jobs.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;

namespace Jobs.Payments;

/// <summary>Registers the payment capture job, its ledger and its gateway client.</summary>
public static class PaymentsRegistration
{
    /// <summary>
    /// Adds <c>payment.capture</c>: options from <c>App:Payments</c>, the <see cref="PaymentLedger"/>,
    /// the gateway's HttpClient and the handler with its policy.
    /// </summary>
    /// <remarks>
    /// The policy: an attempt may take 30 s (a capture call of at most 10 s, a read-back of at
    /// most 10 s, and the ledger writes); 10 attempts, 5 s doubling to at most 10 minutes, so a job
    /// gives up after about half an hour of gateway trouble. That is far inside both the 24 hours
    /// the gateway keeps an idempotency key (past which a retry could no longer be matched to the
    /// first capture) and the 7 days a card authorization lasts, and long enough to ride out an
    /// incident without paging anyone. Override under <c>Jobs:Kinds:payment.capture</c>.
    /// </remarks>
    public static JobsBuilder AddPayments(this JobsBuilder jobs)
    {
        var services = jobs.Services;
        services.AddSettings<PaymentsOptions>(PaymentsOptions.SectionName);
        services.TryAddSingleton<PaymentLedger>();
        // The per-call timeout lives in the resilience handler; HttpClient's own would only race it.
        // Header values are redacted from HttpClient's logs: the Authorization header carries the key.
        services.AddHttpClient<GatewayClient>(client => client.Timeout = Timeout.InfiniteTimeSpan)
            .RedactLoggedHeaders(_ => true)
            .AddOutboundResilience<PaymentsOptions>(o => new(o.RequestTimeout, o.BreakDuration))
            .SelectPipelineByAuthority();
        jobs.AddHandler<PaymentCaptureHandler, PaymentCaptureArgs>(kind =>
        {
            kind.Timeout = TimeSpan.FromSeconds(30);
            kind.MaxAttempts = 10;
            kind.Retry = new RetryOptions { BaseDelay = TimeSpan.FromSeconds(5), MaxDelay = TimeSpan.FromMinutes(10), Jitter = 0.2 };
        });
        return jobs;
    }
}
