using System.Diagnostics;
using System.Security.Cryptography;
using Jobs.Backups;
using Jobs.Engine.Client;
using Jobs.Engine.States;
using Jobs.Testing;
using Jobs.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Jobs.Tests.Backups;

/// <summary>backup.run against a real PostgreSQL (a scratch database of its own) into real temp directories.</summary>
public sealed class BackupTests : IAsyncLifetime
{
    // The test server trusts local connections, so any password works: what matters is where it travels.
    private const string Password = "canary-Pa55w0rd-7f3e";

    private readonly ManualTimeProvider _clock = new(new DateTimeOffset(2024, 5, 1, 9, 30, 0, TimeSpan.Zero));
    private readonly BackupDirectory _directory = new();
    private TestSchema _schema = null!;
    private ScratchDatabase _database = null!;

    public async Task InitializeAsync()
    {
        _schema = await TestSchema.CreateAsync();
        _database = await ScratchDatabase.CreateAsync();
    }

    public async Task DisposeAsync()
    {
        try
        {
            await _database.DisposeAsync();
            await _schema.DisposeAsync();
        }
        finally
        {
            _directory.Dispose();
        }
    }

    [Fact]
    public async Task A_backup_is_written_under_its_final_name_with_a_matching_manifest_and_pg_restore_lists_it()
    {
        await using var engine = await StartAsync();

        var job = await RunAsync(engine);

        Assert.Equal(JobState.Succeeded, job.State);
        var name = $"{_database.Name}-20240501T000000Z.dump";
        Assert.Equal([name, name + ".sha256"], _directory.Files);
        var path = Path.Combine(_directory.Path, name);
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(path)));
        Assert.Equal($"{sha256}  {name}\n", await File.ReadAllTextAsync(path + ".sha256"));

        var record = Assert.Single(await RecordsAsync());
        Assert.Equal(("succeeded", name, sha256, new FileInfo(path).Length), (record.Status, record.FileName, record.Sha256, record.SizeBytes!.Value));
        Assert.Equal(new DateTime(2024, 5, 1, 0, 0, 0, DateTimeKind.Utc), record.Slot.ToUniversalTime());
        Assert.True(record.DurationMs > 0);

        var (exitCode, listing) = await RunAsync("pg_restore", "--list", path);
        Assert.Equal(0, exitCode);
        Assert.Contains("TABLE public widget", listing);
        Assert.Contains("TABLE DATA public widget", listing);
    }

    [Fact]
    public async Task Runs_in_one_slot_produce_one_backup_and_the_later_ones_return_it()
    {
        await using var engine = await StartAsync();

        var first = await engine.Client.EnqueueAsync(new BackupArgs());
        var second = await engine.Client.EnqueueAsync(new BackupArgs());
        Assert.Equal(JobState.Succeeded, (await FinishedAsync(engine, first.Id)).State);
        Assert.Equal(JobState.Succeeded, (await FinishedAsync(engine, second.Id)).State);
        var written = File.GetLastWriteTimeUtc(Path.Combine(_directory.Path, _directory.Files[0]));
        _clock.Advance(TimeSpan.FromHours(14)); // 23:30, still May 1st
        var third = await RunAsync(engine);

        Assert.Equal(JobState.Succeeded, third.State);
        Assert.Equal(2, _directory.Files.Length);
        Assert.Equal(written, File.GetLastWriteTimeUtc(Path.Combine(_directory.Path, _directory.Files[0])));
        Assert.Equal("succeeded", Assert.Single(await RecordsAsync()).Status);
        Assert.Equal(2, engine.Logs.Lines.Count(l => l.EventId.Id == 3402));
    }

    [Fact]
    public async Task Retention_keeps_the_last_n_backups_and_deletes_older_files_and_manifests()
    {
        await using var engine = await StartAsync(new() { ["App:Backups:KeepLast"] = "2" });

        for (var day = 0; day < 4; day++)
        {
            Assert.Equal(JobState.Succeeded, (await RunAsync(engine)).State);
            _clock.Advance(TimeSpan.FromDays(1));
        }

        var stem = _database.Name;
        Assert.Equal([$"{stem}-20240503T000000Z.dump", $"{stem}-20240503T000000Z.dump.sha256",
                      $"{stem}-20240504T000000Z.dump", $"{stem}-20240504T000000Z.dump.sha256"], _directory.Files);
        var records = await RecordsAsync();
        Assert.Equal(["expired", "expired", "succeeded", "succeeded"], records.Select(r => r.Status));
        Assert.All(records.Take(2), r => Assert.NotNull(r.DeletedAt));
    }

    [Fact]
    public async Task A_missing_directory_is_dead_at_once_with_a_reason_naming_it_and_nothing_is_created()
    {
        var missing = Path.Combine(_directory.Path, "not-mounted");
        await using var engine = await StartAsync(new() { ["App:Backups:TargetDirectory"] = missing });

        var job = await RunAsync(engine);

        Assert.Equal(JobState.Dead, job.State);
        Assert.Equal(1, job.Attempt);
        var error = Assert.Single(job.Errors).Error;
        Assert.Contains($"'{missing}'", error);
        Assert.Contains("does not exist", error);
        Assert.False(Directory.Exists(missing));
        Assert.Empty(_directory.Files);
        var record = Assert.Single(await RecordsAsync());
        Assert.Equal(("failed", error), (record.Status, record.Error));
    }

    [Fact]
    public async Task An_unwritable_directory_is_dead_at_once_with_a_reason_naming_it_and_nothing_is_left()
    {
        _directory.MakeUnwritable();
        await using var engine = await StartAsync();

        var job = await RunAsync(engine);

        Assert.Equal(JobState.Dead, job.State);
        Assert.Equal(1, job.Attempt);
        var error = Assert.Single(job.Errors).Error;
        Assert.Contains($"Backup directory '{_directory.Path}' is not writable", error);
        Assert.Empty(_directory.Files);
        Assert.Equal("failed", Assert.Single(await RecordsAsync()).Status);
    }

    [Fact]
    public async Task A_database_that_does_not_exist_is_dead_with_the_failure_recorded_and_no_partial_file()
    {
        var missing = new Npgsql.NpgsqlConnectionStringBuilder(_database.ConnectionString(Password)) { Database = "no_such_db_" + _database.Name };
        await using var engine = await StartAsync(new() { ["App:Backups:ConnectionString"] = missing.ConnectionString });

        var job = await RunAsync(engine);

        Assert.Equal(JobState.Dead, job.State);
        Assert.Equal(1, job.Attempt);
        Assert.Contains("3D000", Assert.Single(job.Errors).Error);
        Assert.Empty(_directory.Files);
        var record = Assert.Single(await RecordsAsync());
        Assert.Equal("failed", record.Status);
        Assert.Contains("does not exist", record.Error);
        AssertNoPassword(engine, job);
    }

    [Fact]
    public async Task The_lock_wait_timeout_makes_pg_dump_fail_instead_of_hanging_and_the_attempt_leaves_nothing()
    {
        await using var engine = await StartAsync(new()
        {
            ["App:Backups:LockWaitTimeout"] = "00:00:00.500",
            ["Jobs:Kinds:backup.run:MaxAttempts"] = "1",
        });
        await using var held = await _database.LockWidgetAsync();

        var job = await RunAsync(engine);

        Assert.Equal(JobState.Dead, job.State);
        var error = Assert.Single(job.Errors).Error;
        Assert.Contains("pg_dump", error);
        Assert.Contains("LOCK TABLE public.widget", error, StringComparison.Ordinal);
        Assert.Empty(_directory.Files);
        var record = Assert.Single(await RecordsAsync());
        Assert.Equal(("failed", error), (record.Status, record.Error));
    }

    [Fact]
    public async Task A_job_timeout_kills_pg_dump_removes_its_temp_file_and_records_the_failure()
    {
        await using var engine = await StartAsync(new()
        {
            ["Jobs:Kinds:backup.run:Timeout"] = "00:00:03",
            ["Jobs:Kinds:backup.run:MaxAttempts"] = "1",
        });
        await using var held = await _database.LockWidgetAsync();

        var enqueued = await engine.Client.EnqueueAsync(new BackupArgs());
        await _database.WaitForBlockedDumpAsync();
        var dump = Assert.Single(ChildProcesses.PgDumpsOf(_database.Name));
        var temp = Assert.Single(_directory.Files);
        Assert.StartsWith(".", temp);
        Assert.EndsWith(".tmp", temp);
        var job = await FinishedAsync(engine, enqueued.Id);

        Assert.Equal(JobState.Dead, job.State);
        Assert.Equal("timeout", Assert.Single(job.Errors).Type);
        Assert.False(Directory.Exists($"/proc/{dump.Pid}") && ChildProcesses.PgDumpsOf(_database.Name).Any(p => p.Pid == dump.Pid),
            $"pg_dump {dump.Pid} is still running");
        Assert.Empty(_directory.Files);
        var record = Assert.Single(await RecordsAsync());
        Assert.Equal("failed", record.Status);
        Assert.Contains("pg_dump was killed", record.Error);
    }

    [Fact]
    public async Task The_password_reaches_pg_dump_only_through_its_environment_never_its_arguments_or_the_logs()
    {
        await using var engine = await StartAsync();
        ProcessView dump;
        long id;
        await using (await _database.LockWidgetAsync())
        {
            id = (await engine.Client.EnqueueAsync(new BackupArgs())).Id;
            await _database.WaitForBlockedDumpAsync();
            dump = Assert.Single(ChildProcesses.PgDumpsOf(_database.Name));
        }
        var job = await FinishedAsync(engine, id);

        Assert.Equal(JobState.Succeeded, job.State);
        Assert.Contains($"PGPASSWORD={Password}", dump.Environment);
        Assert.DoesNotContain(dump.CommandLine, a => a.Contains(Password, StringComparison.Ordinal));
        Assert.Contains("--format=custom", dump.CommandLine);
        Assert.Contains(dump.CommandLine, a => a.StartsWith("--lock-wait-timeout=", StringComparison.Ordinal));
        AssertNoPassword(engine, job);
    }

    private Task<TestEngine> StartAsync(Dictionary<string, string?>? overrides = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["App:Backups:ConnectionString"] = _database.ConnectionString(Password),
            ["App:Backups:TargetDirectory"] = _directory.Path,
            ["Jobs:Kinds:backup.run:Retry:BaseDelay"] = "00:00:00.050",
        };
        foreach (var (key, value) in overrides ?? [])
        {
            settings[key] = value;
        }
        return BusinessEngine.StartAsync(_schema, settings, services: s => s.AddKeyedSingleton<TimeProvider>(BackupRegistration.ClockKey, _clock));
    }

    private static async Task<JobInfo> RunAsync(TestEngine engine) =>
        await FinishedAsync(engine, (await engine.Client.EnqueueAsync(new BackupArgs())).Id);

    private static Task<JobInfo> FinishedAsync(TestEngine engine, long id) =>
        Eventually.ReturnsAsync(async () => (await engine.Client.GetAsync(id))!,
            j => j.State is JobState.Succeeded or JobState.Dead, $"backup job {id} to finish");

    private Task<List<BackupRecord>> RecordsAsync() => _schema.QueryAsync<BackupRecord>("""
        select status, slot, file_name as FileName, sha256, size_bytes as SizeBytes, duration_ms as DurationMs, error,
               deleted_at as DeletedAt
        from {app}.backup order by slot, id
        """);

    private static void AssertNoPassword(TestEngine engine, JobInfo job)
    {
        Assert.DoesNotContain(engine.Logs.Lines, l => l.ToString().Contains(Password, StringComparison.Ordinal)
            || l.Scope.Values.Any(v => v?.ToString()?.Contains(Password, StringComparison.Ordinal) == true)
            || l.Exception?.ToString().Contains(Password, StringComparison.Ordinal) == true);
        Assert.DoesNotContain(job.Errors, e => (e.Error + e.Stack).Contains(Password, StringComparison.Ordinal));
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string command, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(command, args) { RedirectStandardOutput = true })!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, output);
    }

    private sealed record BackupRecord(string Status, DateTime Slot, string FileName, string? Sha256, long? SizeBytes,
        double? DurationMs, string? Error, DateTime? DeletedAt);
}
