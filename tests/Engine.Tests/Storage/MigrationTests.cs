using Jobs.Engine.States;
using Jobs.Engine.Storage;
using Jobs.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Jobs.Engine.Tests.Storage;

public sealed class MigrationTests : IAsyncLifetime
{
    private TestSchema _schema = null!;

    public async Task InitializeAsync() => _schema = await TestSchema.CreateAsync(migrate: false);

    public async Task DisposeAsync() => await _schema.DisposeAsync();

    private Migrator NewMigrator() =>
        new(new JobsDatabase(JobsDatabase.CreateDataSource(TestDatabase.ConnectionString), _schema.Name), NullLogger<Migrator>.Instance);

    [Fact]
    public async Task Migrations_applied_concurrently_and_again_run_exactly_once()
    {
        var applied = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => NewMigrator().MigrateAsync(CancellationToken.None))));
        var again = await NewMigrator().MigrateAsync(CancellationToken.None);

        Assert.Equal(Migrator.All.Count, applied.Sum());
        Assert.Equal(0, again);
        Assert.Equal(Migrator.All.Select(m => m.Version), await _schema.QueryAsync<int>("select version from {s}.migration order by version"));
        Assert.Equal(Migrator.All[^1].Version, await NewMigrator().CurrentVersionAsync(CancellationToken.None));
        // The schema works after all that: a job goes in.
        Assert.Equal(1L, await _schema.ScalarAsync<long>("select {s}.enqueue('k')"));
    }

    [Fact]
    public async Task A_process_that_must_not_migrate_refuses_to_start_on_an_old_schema()
    {
        var host = TestEngine.Build(_schema, null, new Dictionary<string, string?> { ["Jobs:MigrateOnStart"] = "false" },
            server: false, null, out _);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());

        Assert.Contains($"Schema '{_schema.Name}' is at migration 0", error.Message);
        host.Dispose();
    }

    [Fact]
    public async Task Migration_5_ends_jobs_with_unreadable_times_dead_keeping_the_times_in_an_error_entry_then_checks_every_time()
    {
        await NewMigrator().MigrateAsync(CancellationToken.None);
        var sound = await _schema.ScalarAsync<long>("select {s}.enqueue('k', delay => interval '1 hour')");
        var ids = await HostileRows.PlantAsync(_schema, "k");

        // What migration 5 does to a schema that has such rows (as one written before it would).
        await _schema.ExecuteAsync(Migrator.All.Single(m => m.Version == 5).SqlFor(_schema.Name));

        await using var engine = await TestEngine.StartAsync(_schema, server: false);
        var far = (await engine.Client.GetAsync(ids["due in the year 20000"]))!;
        Assert.Equal(JobState.Dead, far.State);
        var entry = Assert.Single(far.Errors);
        Assert.Equal("invalid_time", entry.Type);
        Assert.Contains("scheduled_at 20000-01-01 00:00:00 UTC", entry.Error);
        Assert.InRange(far.ScheduledAt, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(5));
        var running = (await engine.Client.GetAsync(ids["running since the year 30000"]))!;
        Assert.Equal(JobState.Dead, running.State);
        Assert.Null(await _schema.ScalarAsync<string?>("select server_id from {s}.job where id = @id", new { id = running.Id }));
        Assert.Contains("attempted_at 30000-01-01", running.Errors[^1].Error);
        // A finished job keeps its state; its times are repaired the same way, and said so.
        var cancelled = (await engine.Client.GetAsync(ids["cancelled before Christ"]))!;
        Assert.Equal(JobState.Cancelled, cancelled.State);
        Assert.Contains("created_at 4713-01-01 00:00:00 BC UTC", cancelled.Errors[^1].Error);
        var odd = (await engine.Client.GetAsync(ids["retrying at infinity with odd errors"]))!;
        Assert.Equal(7, odd.Errors.Count);
        Assert.Contains("scheduled_at infinity", odd.Errors[^1].Error);
        Assert.Equal(JobState.Dead, odd.State);
        // Rows with sound times are left alone.
        var untouched = (await engine.Client.GetAsync(sound))!;
        Assert.Equal((JobState.Scheduled, 0), (untouched.State, untouched.Errors.Count));
        Assert.Equal(JobState.Succeeded, (await engine.Client.GetAsync(ids["succeeded with odd arguments"]))!.State);
        Assert.Empty((await engine.Client.GetAsync(ids["succeeded with odd arguments"]))!.Errors);

        var check = await Assert.ThrowsAsync<PostgresException>(() => _schema.ExecuteAsync(
            "insert into {s}.job (kind, queue, state, args, max_attempts, scheduled_at) values ('k', 'q', 'scheduled', '{}', 1, '9999-06-01')"));
        Assert.Equal((PostgresErrorCodes.CheckViolation, "job_times_valid"), (check.SqlState, check.ConstraintName));
    }
}
