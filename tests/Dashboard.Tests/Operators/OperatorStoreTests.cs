using Jobs.Engine.Client;
using Jobs.Engine.Storage;
using Jobs.Operators;
using Jobs.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Jobs.Dashboard.Tests.Operators;

/// <summary>The operator stores on their own schema, through <c>AddJobsOperators</c> on a bare engine host.</summary>
public sealed class OperatorStoreTests : IAsyncLifetime
{
    private TestSchema Schema { get; set; } = null!;
    private TestEngine Engine { get; set; } = null!;

    public async Task InitializeAsync()
    {
        Schema = await TestSchema.CreateAsync();
        Engine = await TestEngine.StartAsync(Schema, server: false, services: s => s.AddJobsOperators());
    }

    public async Task DisposeAsync()
    {
        await Engine.DisposeAsync();
        await Schema.DisposeAsync();
    }

    [Fact]
    public async Task Operator_names_are_unique_and_checked()
    {
        var accounts = Engine.Services.GetRequiredService<OperatorAccounts>();
        await accounts.CreateAsync("ada", "hash", OperatorRole.Admin, "cli");

        var taken = await Assert.ThrowsAsync<ArgumentException>(() => accounts.CreateAsync("ada", "hash", OperatorRole.Viewer, "cli"));
        var invalid = await Assert.ThrowsAsync<ArgumentException>(() => accounts.CreateAsync("ada lovelace", "hash", OperatorRole.Viewer, "cli"));

        Assert.Contains("already exists", taken.Message);
        Assert.Contains("letters, digits", invalid.Message);
    }

    [Fact]
    public async Task The_fifth_failed_login_locks_the_account_and_a_success_resets_the_count()
    {
        var accounts = Engine.Services.GetRequiredService<OperatorAccounts>();
        var id = await accounts.CreateAsync("bob", "hash", OperatorRole.Viewer, "cli");

        for (var i = 1; i < 5; i++)
        {
            Assert.Null(await accounts.RecordFailedLoginAsync(id, 5, TimeSpan.FromMinutes(15)));
        }
        var locked = await accounts.RecordFailedLoginAsync(id, 5, TimeSpan.FromMinutes(15));

        Assert.InRange(locked!.Value - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(14), TimeSpan.FromMinutes(16));
        Assert.Equal(5, (await accounts.GetAsync(id))!.FailedLogins);
        await accounts.RecordLoginAsync(id);
        var after = await accounts.GetAsync(id);
        Assert.Equal((0, (DateTimeOffset?)null), (after!.FailedLogins, after.LockedUntil));
    }

    [Fact]
    public async Task An_api_key_is_shown_once_stored_only_as_a_hash_and_stops_working_when_revoked()
    {
        var keys = Engine.Services.GetRequiredService<ApiKeys>();
        var created = await keys.CreateAsync("billing app", ApiKeyRole.Producer, ["payment.capture"], null, "admin");

        var authenticated = await keys.AuthenticateAsync(created.Key);
        var stored = await Schema.QueryAsync<string>("select row_to_json(k)::text from {ops}.api_key k");

        Assert.Equal(("billing app", ApiKeyRole.Producer), (authenticated!.Name, authenticated.Role));
        Assert.True(authenticated.Allows("payment.capture", "default"));
        Assert.False(authenticated.Allows("webhook.deliver", "default"));
        Assert.DoesNotContain(created.Key.Split('_')[^1], Assert.Single(stored));
        Assert.Null(await keys.AuthenticateAsync(created.Key[..^1] + (created.Key[^1] == 'A' ? 'B' : 'A')));
        Assert.Null(await keys.AuthenticateAsync("Bearer nonsense"));

        Assert.True(await keys.RevokeAsync(created.Info.Id));
        Assert.Null(await keys.AuthenticateAsync(created.Key));
    }

    [Fact]
    public async Task The_audit_log_lists_actions_newest_first()
    {
        var audit = Engine.Services.GetRequiredService<AuditLog>();
        await audit.RecordAsync(new AuditEntry("ada", "operator", "jobs.requeue", "filter state=dead", 12, new { kind = "payment.capture" }));
        await audit.RecordAsync(new AuditEntry("billing app (abc)", "api_key", "jobs.cancel", "job 7", 1));

        var records = await audit.ListAsync();

        Assert.Equal(["jobs.cancel", "jobs.requeue"], records.Select(r => r.Action));
        Assert.Equal(12, records[1].JobCount);
        Assert.Contains("payment.capture", records[1].Details);
    }

    [Fact]
    public async Task An_audit_record_in_the_transaction_of_an_enqueue_commits_or_rolls_back_with_it()
    {
        // The audit table is in the operators' schema, the job in the engine's: one database, one transaction.
        var audit = Engine.Services.GetRequiredService<AuditLog>();
        await using var connection = await Engine.Services.GetRequiredService<JobsDatabase>().DataSource.OpenConnectionAsync();

        await using (var rolledBack = await connection.BeginTransactionAsync())
        {
            var job = (await Engine.Client.EnqueueManyAsync(rolledBack, [new JobRequest("test.record", new { n = 1 })]))[0];
            await audit.RecordAsync(rolledBack, new AuditEntry("app (abc)", "api_key", "jobs.enqueue", $"job {job.Id}", 1));
            await rolledBack.RollbackAsync();
        }
        long committedId;
        await using (var committed = await connection.BeginTransactionAsync())
        {
            committedId = (await Engine.Client.EnqueueManyAsync(committed, [new JobRequest("test.record", new { n = 2 })]))[0].Id;
            await audit.RecordAsync(committed, new AuditEntry("app (abc)", "api_key", "jobs.enqueue", $"job {committedId}", 1));
            await committed.CommitAsync();
        }

        Assert.Equal([$"job {committedId}"], (await audit.ListAsync()).Select(r => r.Target));
        Assert.Equal([committedId], await Schema.QueryAsync<long>("select id from {s}.job"));
    }
}
