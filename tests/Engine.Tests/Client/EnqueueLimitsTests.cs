using System.Text.Json;
using Jobs.Engine.Client;
using Jobs.Engine.States;
using Jobs.Testing;
using Npgsql;

namespace Jobs.Engine.Tests.Client;

/// <summary>
/// What no enqueue path lets in: run times outside the window every reader can show, text
/// PostgreSQL cannot store, too many tags. Each is refused naming the option, and nothing is stored.
/// </summary>
public sealed class EnqueueLimitsTests : ClientTestBase
{
    [Fact]
    public async Task Times_inside_the_window_go_in_and_an_earlier_time_means_now()
    {
        var past = await Engine.Client.EnqueueAsync(new RecordArgs("past"), new EnqueueOptions { RunAt = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero) });
        var far = await Engine.Client.EnqueueAsync(new RecordArgs("far"), new EnqueueOptions { Delay = TimeSpan.FromDays(3652) });
        var at = DateTimeOffset.UtcNow.AddDays(3652);
        var farAt = await Engine.Client.EnqueueAsync(new RecordArgs("far at"), new EnqueueOptions { RunAt = at });

        Assert.Equal(JobState.Available, (await Engine.Client.GetAsync(past.Id))!.State);
        Assert.Equal(JobState.Scheduled, (await Engine.Client.GetAsync(far.Id))!.State);
        var stored = (await Engine.Client.GetAsync(farAt.Id))!;
        Assert.Equal(JobState.Scheduled, stored.State);
        Assert.InRange(stored.ScheduledAt, at.AddMilliseconds(-1), at.AddMilliseconds(1));
    }

    public static TheoryData<JobRequest, string> Unstorable => new()
    {
        { new JobRequest("test.record\0", Json("""{"tag": "x"}""")), "Kind" },
        { JobRequest.Create(new RecordArgs("x"), new EnqueueOptions { Tags = ["ok", "bad\0"] }), "Tags" },
        { JobRequest.Create(new RecordArgs("x"), new EnqueueOptions { CorrelationId = "req\0" }), "CorrelationId" },
        { JobRequest.Create(new RecordArgs("x"), new EnqueueOptions { PartitionKey = "\0" }), "PartitionKey" },
        { JobRequest.Create(new RecordArgs("x"), new EnqueueOptions { IdempotencyKey = "key\0" }), "IdempotencyKey" },
        { JobRequest.Create(new RecordArgs("x"), new EnqueueOptions { Queue = "q\0" }), "Queue" },
        { JobRequest.Create(new RecordArgs("x"), new EnqueueOptions { Metadata = new Dictionary<string, string> { ["order"] = "A\01" } }), "Metadata" },
        { JobRequest.Create(new RecordArgs("x"), new EnqueueOptions { Metadata = new Dictionary<string, string> { ["or\0der"] = "A1" } }), "Metadata" },
        // Half of a surrogate pair: System.Text.Json would write it as U+FFFD, silently changing it.
        { JobRequest.Create(new RecordArgs("x"), new EnqueueOptions { CorrelationId = "req-\ud800" }), "CorrelationId" },
        { JobRequest.Create(new RecordArgs("x"), new EnqueueOptions { Tags = ["\udc00"] }), "Tags" },
    };

    [Theory]
    [MemberData(nameof(Unstorable))]
    public async Task Text_postgres_cannot_store_is_refused_naming_the_option(JobRequest request, string option)
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => Engine.Client.EnqueueAsync(request));

        Assert.Equal(option, error.ParamName);
        Assert.Equal(option, Assert.Throws<ArgumentException>(request.Validate).ParamName);
        Assert.Equal(0L, await Schema.ScalarAsync<long>("select count(*) from {s}.job"));
    }

    [Fact]
    public async Task A_nul_character_in_the_arguments_is_refused_naming_where_it_is()
    {
        var typed = await Assert.ThrowsAsync<ArgumentException>(() => Engine.Client.EnqueueAsync(new RecordArgs("a\0b")));
        var json = new JobRequest("test.record", Json("""{"tag": "x", "lines": [{"ok": 1}, {"n\u0000te": "x"}]}"""));
        var nameError = Assert.Throws<ArgumentException>(json.Validate);
        var batch = await Assert.ThrowsAsync<ArgumentException>(() => Engine.Client.EnqueueManyAsync(
            [JobRequest.Create(new RecordArgs("fine")), new JobRequest("test.record", Json("""{"tag": "\ud800"}"""))]));

        Assert.Equal("Args", typed.ParamName);
        Assert.Contains("Args.tag", typed.Message);
        Assert.Contains("NUL", typed.Message);
        Assert.Equal("Args", nameError.ParamName);
        Assert.Contains("Args.lines[1]", nameError.Message);
        Assert.StartsWith("Job 2: Args.tag", batch.Message);
        Assert.Contains("surrogate", batch.Message);
        Assert.Equal(0L, await Schema.ScalarAsync<long>("select count(*) from {s}.job"));
    }

    [Fact]
    public async Task A_job_has_at_most_20_tags()
    {
        var tags = Enumerable.Range(1, 21).Select(i => $"t{i}").ToList();

        var error = await Assert.ThrowsAsync<ArgumentException>(() => Engine.Client.EnqueueAsync(new RecordArgs("x"), new EnqueueOptions { Tags = tags }));
        var twenty = await Engine.Client.EnqueueAsync(new RecordArgs("x"), new EnqueueOptions { Tags = tags[..20] });

        Assert.Equal("Tags", error.ParamName);
        Assert.Contains("20", error.Message);
        Assert.Equal(20, (await Engine.Client.GetAsync(twenty.Id))!.Tags.Count);
    }

    [Theory]
    [InlineData("""[{"kind": "k", "run_at": "2026-02-30T00:00:00Z"}]""", "job 1: run_at must be an ISO 8601 timestamp")]
    [InlineData("""[{"kind": "k"}, {"kind": "k", "run_at": "20000-01-01T00:00:00Z"}]""", "job 2: run_at must be at most 3653 days")]
    [InlineData("""[{"kind": "k", "delay_ms": 1e30}]""", "job 1: delay_ms must be at most 3653 days")]
    public async Task Enqueue_many_names_the_job_and_the_field_of_a_bad_time(string jobs, string message)
    {
        var error = await Assert.ThrowsAsync<PostgresException>(() => Schema.ScalarAsync<long>("select count(*) from {s}.enqueue_many(@jobs::jsonb)", new { jobs }));

        Assert.Equal(PostgresErrorCodes.InvalidParameterValue, error.SqlState);
        Assert.Contains(message, error.MessageText);
    }

    [Fact]
    public async Task A_nul_character_given_to_the_sql_function_is_refused_by_postgres_before_it_runs()
    {
        // jsonb (and text) cannot hold \u0000: PostgreSQL refuses the argument itself, with its own
        // SQLSTATE and a message that names the escape, before any of the engine's SQL runs.
        var error = await Assert.ThrowsAsync<PostgresException>(() => Schema.ScalarAsync<long>("""select {s}.enqueue('test.record', '{"tag": "a\u0000b"}')"""));

        Assert.Equal(PostgresErrorCodes.UntranslatableCharacter, error.SqlState);
        Assert.Contains("Unicode escape", error.MessageText);
        Assert.Equal(0L, await Schema.ScalarAsync<long>("select count(*) from {s}.job"));
    }

    private static JsonElement Json(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
