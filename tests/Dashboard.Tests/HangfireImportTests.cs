using Dapper;
using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Hangfire.States;
using Jobs.Engine.States;
using Jobs.Hangfire;
using Jobs.Testing;

namespace Jobs.Dashboard.Tests;

/// <summary>
/// <c>Jobs.Dashboard import-hangfire</c> against a Hangfire.PostgreSql database written by
/// Hangfire.PostgreSql's own client (in a schema of its own on the test server), run as the command
/// line runs it; then the engine's server runs what it imported.
/// </summary>
public sealed class HangfireImportTests : IAsyncLifetime
{
    private readonly string _sourceSchema = "hangfire_src_" + Guid.NewGuid().ToString("N")[..8];
    private TestSchema _schema = null!;
    private PostgreSqlStorage _source = null!;

    private string Key { get; } = Guid.NewGuid().ToString("N");

    public async Task InitializeAsync()
    {
        _schema = await TestSchema.CreateAsync();
        _source = new PostgreSqlStorage(new NpgsqlConnectionFactory(TestDatabase.ConnectionString, new PostgreSqlStorageOptions()),
            new PostgreSqlStorageOptions { SchemaName = _sourceSchema, PrepareSchemaIfNecessary = true });
    }

    public async Task DisposeAsync()
    {
        await using (var connection = await TestDatabase.DataSource.OpenConnectionAsync())
        {
            await connection.ExecuteAsync($"drop schema if exists \"{_sourceSchema}\" cascade");
        }
        await _schema.DisposeAsync();
    }

    /// <summary>Every row of every Hangfire table of the source, as one digest.</summary>
    private async Task<string> SourceDigestAsync()
    {
        await using var connection = await TestDatabase.DataSource.OpenConnectionAsync();
        var tables = (await connection.QueryAsync<string>(
            "select tablename from pg_tables where schemaname = @s order by tablename", new { s = _sourceSchema })).ToList();
        Assert.Contains("job", tables);
        var digests = new List<string>();
        foreach (var table in tables)
        {
            digests.Add(table + ":" + await connection.ExecuteScalarAsync<string>(
                $"select coalesce(md5(string_agg(t::text, '|' order by t::text)), 'empty') from \"{_sourceSchema}\".\"{table}\" t"));
        }
        return string.Join(",", digests);
    }

    private async Task<(int ExitCode, string Output)> ImportAsync(params string[] options)
    {
        using var command = HostProcess.StartDashboardCommand(_schema,
            ["import-hangfire", "--from", TestDatabase.ConnectionString, "--schema", _sourceSchema, .. options]);
        var exitCode = await command.WaitForExitAsync(TimeSpan.FromMinutes(2));
        return (exitCode, command.Output);
    }

    private static int Printed(string output, string category) =>
        int.Parse(output.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith(category + " ", StringComparison.Ordinal))[category.Length..].Trim(),
            System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task Import_copies_enqueued_scheduled_retrying_failed_and_recurring_jobs_once_and_our_server_runs_them()
    {
        // The source, written by Hangfire.PostgreSql's own client and recurring job manager.
        var client = new BackgroundJobClient(_source);
        var enqueued = new[]
        {
            client.Enqueue(() => ImportedJobs.Record(Key, "first")),
            client.Enqueue(() => ImportedJobs.Record(Key, "second")),
            client.Create(() => ImportedJobs.Record(Key, "critical"), new EnqueuedState("critical")),
        };
        client.Schedule(() => ImportedJobs.Record(Key, "tomorrow"), TimeSpan.FromDays(1));
        client.Schedule(() => ImportedJobs.Record(Key, "next week"), TimeSpan.FromDays(7));
        // A failure with retries left: Hangfire's AutomaticRetry makes it a scheduled retry (the retries set).
        var retrying = client.Enqueue(() => ImportedJobs.Retried(Key));
        client.ChangeState(retrying, new FailedState(new TimeoutException("warehouse timed out")));
        // A failure without: Failed, waiting for an operator.
        var failed = client.Enqueue(() => ImportedJobs.NoRetries(Key));
        client.ChangeState(failed, new FailedState(new InvalidOperationException("card declined")));
        var manager = new RecurringJobManager(_source);
        manager.AddOrUpdate("nightly-" + Key, () => ImportedJobs.Record(Key, "nightly"), "0 3 * * *",
            new RecurringJobOptions { TimeZone = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin") });
        manager.AddOrUpdate("hourly-" + Key, () => ImportedJobs.Record(Key, "hourly"), Cron.Hourly());
        var before = await SourceDigestAsync();

        var dry = await ImportAsync("--dry-run");
        Assert.True(dry.ExitCode == 0, dry.Output);
        Assert.Contains("Dry run: would import", dry.Output);
        Assert.Equal(3, Printed(dry.Output, "enqueued"));
        Assert.Equal(0, await _schema.ScalarAsync<long>("select count(*) from {s}.job"));

        var first = await ImportAsync();

        Assert.True(first.ExitCode == 0, first.Output);
        Assert.DoesNotContain(TestDatabase.ConnectionString, first.Output);
        Assert.Equal((3, 2, 1, 1, 2, 9), (Printed(first.Output, "enqueued"), Printed(first.Output, "scheduled"), Printed(first.Output, "retrying"),
            Printed(first.Output, "failed"), Printed(first.Output, "recurring"), Printed(first.Output, "total")));
        var second = await ImportAsync();
        Assert.True(second.ExitCode == 0, second.Output);
        Assert.Equal(0, Printed(second.Output, "total"));
        Assert.Contains("already imported by an earlier run: 9", second.Output);
        Assert.Equal(before, await SourceDigestAsync());

        var states = (await _schema.QueryAsync<(string State, long Jobs)>(
            "select state, count(*) from {s}.job where metadata ->> 'imported_from' = 'hangfire' group by state")).ToDictionary(r => r.State, r => r.Jobs);
        Assert.Equal(new Dictionary<string, long> { ["available"] = 3, ["scheduled"] = 2, ["retrying"] = 1, ["dead"] = 1 }, states);
        Assert.Equal("critical", await _schema.ScalarAsync<string>(
            "select queue from {s}.job where metadata ->> 'hangfire_job_id' = @id", new { id = enqueued[2] }));

        // Our server runs them: the enqueued ones at once, the dead one once an operator requeues it.
        await using var engine = await TestEngine.StartAsync(_schema, jobs => jobs.AddHangfireJobs(),
            new Dictionary<string, string?> { ["Jobs:Server:Queues:default"] = "4", ["Jobs:Server:Queues:critical"] = "1" });
        await Eventually.TrueAsync(() => Task.FromResult(ImportedJobs.Runs(Key).Count(r => r is "first" or "second" or "critical") == 3), "the imported jobs to run");
        Assert.Equal(["critical", "first", "second"], ImportedJobs.Runs(Key).Where(r => r is "first" or "second" or "critical").Order());

        var deadId = await _schema.ScalarAsync<long>("select id from {s}.job where metadata ->> 'hangfire_job_id' = @id", new { id = failed });
        var dead = (await engine.Client.GetAsync(deadId))!;
        Assert.Equal(JobState.Dead, dead.State);
        var error = Assert.Single(dead.Errors);
        Assert.Equal(("System.InvalidOperationException", "card declined"), (error.Type, error.Error));
        await engine.Client.RequeueAsync(deadId);
        await Eventually.ReturnsAsync(() => engine.Client.GetAsync(deadId), j => j!.State == JobState.Succeeded, "the requeued import to succeed");
        Assert.Contains("no retries", ImportedJobs.Runs(Key));

        var retryId = await _schema.ScalarAsync<long>("select id from {s}.job where metadata ->> 'hangfire_job_id' = @id", new { id = retrying });
        var retry = (await engine.Client.GetAsync(retryId))!;
        Assert.Equal((JobState.Retrying, 1), (retry.State, retry.Attempt));
        Assert.Equal("warehouse timed out", Assert.Single(retry.Errors).Error);

        var nightly = (await engine.Schedules.GetAsync("nightly-" + Key))!;
        Assert.Equal(("0 3 * * *", "Europe/Berlin", HangfireJobArgs.Kind), (nightly.Cron, nightly.TimeZone, nightly.Kind));
        var fired = await engine.Schedules.TriggerAsync("nightly-" + Key);
        await Eventually.ReturnsAsync(() => engine.Client.GetAsync(fired!.Value), j => j!.State == JobState.Succeeded, "the imported schedule's job to run");
        Assert.Contains("nightly", ImportedJobs.Runs(Key));
    }

    [Fact]
    public async Task A_source_without_hangfire_tables_or_a_bad_option_is_refused_naming_it()
    {
        using var missing = HostProcess.StartDashboardCommand(_schema, "import-hangfire", "--from", TestDatabase.ConnectionString, "--schema", "no_hangfire_here");
        Assert.Equal(2, await missing.WaitForExitAsync(TimeSpan.FromMinutes(1)));
        Assert.Contains("No Hangfire.PostgreSql tables (job, state, hash) in schema \"no_hangfire_here\"", missing.Output);

        using var noSource = HostProcess.StartDashboardCommand(_schema, "import-hangfire", "--dry-run");
        Assert.Equal(2, await noSource.WaitForExitAsync(TimeSpan.FromMinutes(1)));
        Assert.Contains("--from is required", noSource.Output);

        using var unknown = HostProcess.StartDashboardCommand(_schema, "import-hangfire", "--from", TestDatabase.ConnectionString, "--shema", "x");
        Assert.Equal(2, await unknown.WaitForExitAsync(TimeSpan.FromMinutes(1)));
        Assert.Contains("Unknown option --shema", unknown.Output);
    }
}

/// <summary>The Hangfire jobs of the import test: what ran, per test key.</summary>
public static class ImportedJobs
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, System.Collections.Concurrent.ConcurrentQueue<string>> Ran = new();

    public static IReadOnlyList<string> Runs(string key) => Ran.TryGetValue(key, out var runs) ? runs.ToList() : [];

    public static void Record(string key, string what) => Ran.GetOrAdd(key, _ => new()).Enqueue(what);

    [AutomaticRetry(Attempts = 3)]
    public static void Retried(string key) => Record(key, "retried");

    [AutomaticRetry(Attempts = 0)]
    public static void NoRetries(string key) => Record(key, "no retries");
}
