using Jobs.Engine.Storage;
using Jobs.Testing;
using Microsoft.Extensions.Logging.Abstractions;

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
}
