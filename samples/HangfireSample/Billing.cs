using System.Collections.Concurrent;
using Hangfire;

namespace Jobs.Samples.Hangfire;

/// <summary>The application's jobs: instance methods resolved from DI, and a static one.</summary>
public sealed class Billing(Ledger ledger, ILogger<Billing> logger)
{
    /// <summary>The gateway fails the first call for each order (a flaky network), then succeeds.</summary>
    [AutomaticRetry(Attempts = 3)]
    public async Task ChargeAsync(int orderId, CancellationToken cancellationToken)
    {
        await Task.Delay(50, cancellationToken);
        if (ledger.Attempt($"charge {orderId}") == 1)
        {
            throw new HttpRequestException($"Gateway timed out charging order {orderId}.");
        }
        ledger.Record($"charged {orderId}");
        logger.LogInformation("Charged order {OrderId}", orderId);
    }

    [JobDisplayName("Receipt for order {0}")]
    public void SendReceipt(int orderId) => ledger.Record($"receipt {orderId}");

    public static void Remind(int orderId) => Console.WriteLine($"reminded {orderId}");

    public void DailyReport() => ledger.Record("report");
}

/// <summary>What happened, for the sample's log.</summary>
public sealed class Ledger(ILogger<Ledger> logger)
{
    private readonly ConcurrentDictionary<string, int> _attempts = new();

    public int Attempt(string what) => _attempts.AddOrUpdate(what, 1, (_, n) => n + 1);

    public void Record(string what) => logger.LogInformation("Ledger: {What}", what);
}
