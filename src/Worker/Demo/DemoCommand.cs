using System.Net.Http.Headers;
using Dapper;
using Jobs.Backups;
using Jobs.CacheWarming;
using Jobs.Engine;
using Jobs.Engine.Client;
using Jobs.Inventory;
using Jobs.Payments;
using Jobs.Storage;
using Jobs.Webhooks;

namespace Jobs.Worker.Demo;

/// <summary>
/// <c>Jobs.Worker demo</c>: gives every business job something to do against the sandbox peers
/// (scripts/run.sh runs it once the worker is up), so a newcomer sees each job run in the dashboard
/// and the logs. Needs <c>Demo:SandboxUrl</c> and the sandbox settings run.sh exports.
/// </summary>
internal static class DemoCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders().AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddJobsEngine().AddBusinessJobs();
        using var host = builder.Build();
        await host.StartAsync();
        var sandbox = new Uri(builder.Configuration["Demo:SandboxUrl"] ?? throw new InvalidOperationException("Set Demo:SandboxUrl (Demo__SandboxUrl)."));
        var services = host.Services;
        var jobs = services.GetRequiredService<IJobClient>();

        var payment = await AuthorizePaymentAsync(services, builder.Configuration, CancellationToken.None);
        Console.WriteLine($"demo: payment {payment} authorized at the sandbox gateway; payment.capture enqueued");

        await SeedWarehouseAsync(services.GetRequiredService<AppDatabase>());
        await jobs.EnqueueAsync(new ReconcileInventoryArgs("demo", "latest"), new EnqueueOptions { PartitionKey = "demo" });
        Console.WriteLine("demo: inventory.reconcile of warehouse 'demo' (latest snapshot at the sandbox warehouse) enqueued");

        var endpoints = services.GetRequiredService<WebhookEndpoints>();
        var receiver = new Uri(sandbox, "receiver/demo").ToString();
        if ((await endpoints.ListAsync()).All(e => e.Url != receiver))
        {
            await endpoints.CreateAsync(receiver, description: "sandbox receiver (demo)");
        }
        var published = await services.GetRequiredService<WebhookPublisher>().PublishAsync("demo.hello", new { Greeting = "hello", At = DateTimeOffset.UtcNow });
        Console.WriteLine($"demo: webhook message {published.MessageId} published to {receiver}");

        // Something to requeue: a receiver that answers 500 for its first minutes, so these
        // deliveries fail (and wait for their retry) until a newcomer requeues them.
        var flaky = new Uri(sandbox, $"receiver/flaky?failForSeconds={FlakyFor.TotalSeconds:0}").ToString();
        if ((await endpoints.ListAsync()).All(e => e.Url != flaky))
        {
            await endpoints.CreateAsync(flaky, ["demo.order"], $"flaky receiver (answers 500 for its first {FlakyFor.TotalMinutes:0} minutes)");
        }
        for (var i = 1; i <= 3; i++)
        {
            await services.GetRequiredService<WebhookPublisher>().PublishAsync("demo.order", new { Order = i, At = DateTimeOffset.UtcNow });
        }
        Console.WriteLine($"demo: 3 demo.order messages published to {flaky}: their deliveries fail for {FlakyFor.TotalMinutes:0} minutes; " +
            "then requeue them (Jobs, state retrying, kind webhook.deliver, Requeue all…)");

        await SeedDocsExamplesAsync(services.GetRequiredService<AppDatabase>());
        Console.WriteLine("demo: payment 42 and warehouses WH1, WH2 are in place for the examples of docs/api.md");

        await jobs.EnqueueAsync(new CacheWarmArgs());
        await jobs.EnqueueAsync(new BackupArgs());
        Console.WriteLine("demo: cache.warm and backup.run enqueued");

        await host.StopAsync();
        return 0;
    }

    /// <summary>Authorizes a payment at the gateway, as a shop would, then records it and enqueues its capture in one transaction.</summary>
    private static async Task<long> AuthorizePaymentAsync(IServiceProvider services, IConfiguration configuration, CancellationToken cancellationToken)
    {
        var gateway = new Uri(configuration["App:Payments:GatewayUrl"]!);
        using var http = new HttpClient { BaseAddress = gateway };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", configuration["App:Payments:ApiKey"]);
        using var response = await http.PostAsync("v1/payment_intents", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["amount"] = "1500",
            ["currency"] = "usd",
            ["capture_method"] = "manual",
        }), cancellationToken);
        response.EnsureSuccessStatusCode();
        var intent = await response.Content.ReadFromJsonAsync<PaymentIntent>(cancellationToken);

        var database = services.GetRequiredService<AppDatabase>();
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var id = await services.GetRequiredService<PaymentLedger>().CreateAuthorizedAsync(transaction, new AuthorizedPayment(intent!.Id, 1500, "usd"), cancellationToken);
        await services.GetRequiredService<IJobClient>().EnqueueAsync(transaction, new PaymentCaptureArgs(id, 1500, "usd"), null, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return id;
    }

    /// <summary>Warehouse <c>demo</c> with stock that differs a little from the sandbox's sample count.</summary>
    private static async Task SeedWarehouseAsync(AppDatabase database)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync();
        await connection.ExecuteAsync($"""
            insert into {database.Schema}.warehouse (code, name, snapshot_source) values ('demo', 'Demo warehouse', 'http') on conflict do nothing;
            insert into {database.Schema}.stock (warehouse, sku, quantity, updated_at)
            values ('demo', 'DEMO-001', 10, now() - interval '1 day'), ('demo', 'DEMO-002', 3, now() - interval '1 day'),
                   ('demo', 'DEMO-003', 7, now() - interval '1 day')
            on conflict do nothing;
            """);
    }

    /// <summary>How long the flaky receiver answers 500.</summary>
    private static readonly TimeSpan FlakyFor = TimeSpan.FromMinutes(3);

    /// <summary>
    /// What the examples of docs/api.md name: ledger payment 42, authorized for 15.00 USD through the
    /// sandbox gateway's well-known intent <c>pi_sandbox_docs_42</c> (GatewayPeer.DocsPaymentIntent), and
    /// warehouses WH1 and WH2 with stock of record (the sandbox warehouse publishes a count of each).
    /// Seeded once; the identity moves past 42 so later payments never collide with it.
    /// </summary>
    private static async Task SeedDocsExamplesAsync(AppDatabase database)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync();
        await connection.ExecuteAsync($"""
            insert into {database.Schema}.payment (id, payment_intent_id, currency, amount_authorized)
            overriding system value values (42, 'pi_sandbox_docs_42', 'usd', 1500) on conflict do nothing;
            select setval(pg_get_serial_sequence('{database.Schema}.payment', 'id'), greatest(42, (select max(id) from {database.Schema}.payment)));
            insert into {database.Schema}.warehouse (code, name, snapshot_source)
            values ('WH1', 'Warehouse 1 (docs)', 'http'), ('WH2', 'Warehouse 2 (docs)', 'http') on conflict do nothing;
            insert into {database.Schema}.stock (warehouse, sku, quantity, updated_at)
            values ('WH1', 'WH1-001', 5, now() - interval '1 day'), ('WH1', 'WH1-002', 8, now() - interval '1 day'),
                   ('WH2', 'WH2-001', 5, now() - interval '1 day'), ('WH2', 'WH2-002', 9, now() - interval '1 day')
            on conflict do nothing;
            """);
    }

    private sealed record PaymentIntent(string Id);
}
