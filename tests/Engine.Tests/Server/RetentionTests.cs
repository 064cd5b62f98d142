using Jobs.Engine.Server.Maintenance;
using Jobs.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Jobs.Engine.Tests.Server;

public sealed class RetentionTests : IAsyncLifetime
{
    private TestSchema _schema = null!;

    public async Task InitializeAsync() => _schema = await TestSchema.CreateAsync();

    public async Task DisposeAsync() => await _schema.DisposeAsync();

    [Fact]
    public async Task Finished_jobs_older_than_their_retention_are_pruned_and_the_rest_kept()
    {
        await _schema.ExecuteAsync("""
            insert into {s}.job (kind, queue, state, args, max_attempts, finalized_at, idempotency_key)
            select 'k', 'default', v.state, '{}', 1, now() - v.age, v.name
              from (values ('old succeeded', 'succeeded', interval '2 days'),
                           ('new succeeded', 'succeeded', interval '1 hour'),
                           ('old dead', 'dead', interval '40 days'),
                           ('new dead', 'dead', interval '3 days'),
                           ('old cancelled', 'cancelled', interval '8 days'),
                           ('new cancelled', 'cancelled', interval '6 days')) v(name, state, age);
            insert into {s}.job (kind, queue, state, args, max_attempts, created_at, idempotency_key)
            values ('k', 'default', 'available', '{}', 1, now() - interval '90 days', 'old available');
            insert into {s}.job (kind, queue, state, args, max_attempts, finalized_at, idempotency_key)
            select 'k', 'default', 'succeeded', '{}', 1, now() - interval '5 days', 'bulk ' || g from generate_series(1, 25) g;
            """);
        await using var engine = await TestEngine.StartAsync(_schema, settings: new Dictionary<string, string?>
        {
            ["Jobs:Server:RunMaintenance"] = "false",
            ["Jobs:Server:Retention:BatchSize"] = "10",
        });

        await engine.Services.GetRequiredService<Pruner>().RunOnceAsync(CancellationToken.None);

        var left = await _schema.QueryAsync<string>("select idempotency_key from {s}.job order by idempotency_key");
        Assert.Equal(["new cancelled", "new dead", "new succeeded", "old available"], left);
    }
}
