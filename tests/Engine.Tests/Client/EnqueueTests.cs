using Jobs.Engine.Client;
using Jobs.Engine.States;
using Jobs.Testing;
using Npgsql;

namespace Jobs.Engine.Tests.Client;

public sealed class EnqueueTests : ClientTestBase
{

    [Fact]
    public async Task Enqueue_stores_the_job_with_its_options()
    {
        var job = await Engine.Client.EnqueueAsync(new RecordArgs("hello"), new EnqueueOptions
        {
            Queue = "mail",
            Priority = 5,
            MaxAttempts = 3,
            Timeout = TimeSpan.FromSeconds(7),
            Tags = ["a", "b"],
            CorrelationId = "req-1",
            PartitionKey = "merchant-9",
            Metadata = new Dictionary<string, string> { ["source"] = "test" },
        });

        var info = await Engine.Client.GetAsync(job.Id);
        Assert.NotNull(info);
        Assert.True(job.Created);
        Assert.Equal("test.record", info.Kind);
        Assert.Equal("mail", info.Queue);
        Assert.Equal(JobState.Available, info.State);
        Assert.Equal(5, info.Priority);
        Assert.Equal(3, info.MaxAttempts);
        Assert.Equal(TimeSpan.FromSeconds(7), info.Timeout);
        Assert.Equal(["a", "b"], info.Tags);
        Assert.Equal("req-1", info.CorrelationId);
        Assert.Equal("merchant-9", info.PartitionKey);
        Assert.Contains("\"tag\": \"hello\"", info.ArgsJson);
        Assert.Contains("\"source\": \"test\"", info.MetadataJson);
    }

    public static TheoryData<string, EnqueueOptions?> OneJobCases => new()
    {
        { "no options: the kind's policy", null },
        { "every option", new EnqueueOptions
            {
                Queue = "mail", Priority = 5, MaxAttempts = 3, Timeout = TimeSpan.FromSeconds(7), Tags = ["a", "b"],
                CorrelationId = "req-1", PartitionKey = "merchant-9", Metadata = new Dictionary<string, string> { ["source"] = "test" },
            } },
        { "due in an hour", new EnqueueOptions { RunAt = DateTimeOffset.UtcNow.AddHours(1), Tags = [] } },
        { "due now", new EnqueueOptions { RunAt = DateTimeOffset.UtcNow.AddMinutes(-1) } },
        { "delayed", new EnqueueOptions { Delay = TimeSpan.FromMinutes(5), Priority = -2 } },
    };

    [Theory]
    [MemberData(nameof(OneJobCases))]
    public async Task One_job_alone_is_stored_as_the_same_job_in_a_batch_would_be(string @case, EnqueueOptions? options)
    {
        // One job takes its own insert statement, a batch insert_jobs: both must store the same row.
        await Schema.ExecuteAsync("insert into {s}.kind (kind, queue, priority, max_attempts, global_limit) values ('test.record', 'reports', 3, 4, 2)");
        var request = new JobRequest("test.record", new RecordArgs(@case), options);

        var alone = await Engine.Client.EnqueueAsync(request);
        var batch = await Engine.Client.EnqueueManyAsync([request, new JobRequest("test.record", new RecordArgs("other"))]);

        var rows = await Schema.QueryAsync<string>(
            """
            select (to_jsonb(j) - 'id' - 'created_at' - 'scheduled_at'
                    -- each enqueue call is its own trace span when a listener is on (tests of tracing run alongside)
                    || jsonb_build_object('metadata', nullif(j.metadata - 'traceparent' - 'tracestate', '{}'::jsonb)))::text
                   || case when j.scheduled_at > now() + interval '1 minute' then ' later' else ' now' end
              from {s}.job j where j.id = any(@ids) order by j.id
            """, new { ids = new[] { alone.Id, batch[0].Id } });
        Assert.Equal(2, rows.Count);
        Assert.Equal(rows[1], rows[0]);
        Assert.True(alone.Created);
    }

    [Fact]
    public async Task One_job_with_a_held_key_or_an_id_never_reserved_is_answered_as_in_a_batch()
    {
        var first = await Engine.Client.EnqueueAsync(new RecordArgs("first"), new EnqueueOptions { IdempotencyKey = "k-1" });
        var again = await Engine.Client.EnqueueAsync(new RecordArgs("again"), new EnqueueOptions { IdempotencyKey = "k-1" });
        Assert.Equal((first.Id, true), (again.Id, !again.Created));

        var reserved = (await Engine.Client.ReserveIdsAsync(1))[0];
        var named = await Engine.Client.EnqueueAsync(new RecordArgs("named"), new EnqueueOptions { Id = reserved });
        Assert.Equal(reserved, named.Id);
        var error = await Assert.ThrowsAsync<ArgumentException>(() =>
            Engine.Client.EnqueueAsync(new RecordArgs("unreserved"), new EnqueueOptions { Id = reserved + 1000 }));
        Assert.Contains($"id {reserved + 1000} was not reserved", error.Message);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(7)]
    public async Task Synchronous_enqueues_from_many_threads_at_once_each_get_their_own_job(int refused)
    {
        // Concurrent one-job synchronous enqueues share inserts and commits: every caller still gets
        // its own job, carrying its own flow's correlation id, and a job the database refuses (one
        // with an id never reserved, when refused names a caller) fails only its own caller.
        var reserved = (await Engine.Client.ReserveIdsAsync(1))[0];
        const int Callers = 24;
        using var start = new Barrier(Callers);
        var outcomes = new object?[Callers];
        var threads = Enumerable.Range(0, Callers).Select(i => new Thread(() =>
        {
            JobCorrelation.CurrentId = $"caller-{i}";
            start.SignalAndWait();
            try
            {
                var options = i == refused ? new EnqueueOptions { Id = reserved + 1_000_000 } : null;
                outcomes[i] = Engine.Client.EnqueueMany([new JobRequest("test.record", new RecordArgs($"job {i}"), options)])[0];
            }
            catch (Exception e)
            {
                outcomes[i] = e;
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        if (refused >= 0)
        {
            Assert.Contains("was not reserved", Assert.IsType<ArgumentException>(outcomes[refused]).Message);
        }
        var rows = await Schema.QueryAsync<(long Id, string Tag, string Correlation)>("select id, args ->> 'tag', correlation_id from {s}.job");
        Assert.Equal(refused >= 0 ? Callers - 1 : Callers, rows.Count);
        foreach (var i in Enumerable.Range(0, Callers).Where(i => i != refused))
        {
            var job = Assert.IsType<EnqueuedJob>(outcomes[i]);
            Assert.True(job.Created);
            var row = Assert.Single(rows, r => r.Id == job.Id);
            Assert.Equal(($"job {i}", $"caller-{i}"), (row.Tag, row.Correlation));
        }
    }

    [Fact]
    public async Task Enqueue_without_options_uses_the_defaults()
    {
        var info = await Engine.Client.GetAsync((await Engine.Client.EnqueueAsync(new RecordArgs("x"))).Id);
        Assert.Equal("default", info!.Queue);
        Assert.Equal(0, info.Priority);
        Assert.Equal(25, info.MaxAttempts);
        Assert.Null(info.Timeout);
    }

    [Fact]
    public async Task Idempotency_key_returns_the_existing_job_under_concurrent_enqueues()
    {
        var options = new EnqueueOptions { IdempotencyKey = "capture-pi_123" };
        using var start = new ManualResetEventSlim();
        var attempts = Enumerable.Range(0, 32).Select(i => Task.Run(async () =>
        {
            start.Wait();
            return await Engine.Client.EnqueueAsync(new RecordArgs($"try {i}"), options);
        })).ToList();
        start.Set();
        var results = await Task.WhenAll(attempts);

        Assert.Single(results.Select(r => r.Id).Distinct());
        Assert.Single(results, r => r.Created);
        Assert.Equal(1L, await Schema.ScalarAsync<long>("select count(*) from {s}.job where idempotency_key = 'capture-pi_123'"));
    }

    [Fact]
    public async Task Idempotency_keys_are_scoped_by_kind()
    {
        var a = await Engine.Client.EnqueueAsync(new RecordArgs("a"), new EnqueueOptions { IdempotencyKey = "k" });
        var b = await Engine.Client.EnqueueAsync(new HoldArgs(1), new EnqueueOptions { IdempotencyKey = "k" });
        Assert.NotEqual(a.Id, b.Id);
        Assert.True(b.Created);
    }

    [Fact]
    public async Task Transactional_enqueue_exists_only_if_the_transaction_commits()
    {
        await using var connection = await Schema.DataSource.OpenConnectionAsync();
        long rolledBack, committed;
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            rolledBack = (await Engine.Client.EnqueueAsync(transaction, new RecordArgs("rolled back"))).Id;
            await transaction.RollbackAsync();
        }
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            committed = (await Engine.Client.EnqueueAsync(transaction, new RecordArgs("committed"))).Id;
            // Invisible to others until the caller commits.
            Assert.Null(await Engine.Client.GetAsync(committed));
            await transaction.CommitAsync();
        }

        Assert.Null(await Engine.Client.GetAsync(rolledBack));
        Assert.NotNull(await Engine.Client.GetAsync(committed));
        Assert.Equal(1L, await Schema.ScalarAsync<long>("select count(*) from {s}.job"));
    }

    [Fact]
    public async Task Bulk_enqueue_returns_ids_in_input_order_and_reuses_held_keys()
    {
        var existing = await Engine.Client.EnqueueAsync(new RecordArgs("first"), new EnqueueOptions { IdempotencyKey = "dup" });
        var requests = Enumerable.Range(0, 500).Select(i => JobRequest.Create(new RecordArgs($"n{i}"),
            i % 100 == 50 ? new EnqueueOptions { IdempotencyKey = "dup" } : null)).ToList();

        var results = await Engine.Client.EnqueueManyAsync(requests);

        Assert.Equal(500, results.Count);
        Assert.All(results.Where((_, i) => i % 100 == 50), r => Assert.Equal((existing.Id, false), (r.Id, r.Created)));
        var created = results.Where((_, i) => i % 100 != 50).ToList();
        Assert.All(created, r => Assert.True(r.Created));
        Assert.Equal(created.Select(r => r.Id).Order(), created.Select(r => r.Id));
        var tags = await Schema.QueryAsync<(long Id, string Tag)>("select id, args->>'tag' from {s}.job where id = any(@ids)",
            new { ids = created.Select(r => r.Id).ToArray() });
        var byId = tags.ToDictionary(t => t.Id, t => t.Tag);
        for (var i = 0; i < 500; i++)
        {
            if (i % 100 != 50)
            {
                Assert.Equal($"n{i}", byId[results[i].Id]);
            }
        }
    }

    [Fact]
    public async Task Bulk_enqueue_with_one_key_twice_creates_the_first_and_returns_it_for_the_second()
    {
        var key = new EnqueueOptions { IdempotencyKey = "same" };
        var results = await Engine.Client.EnqueueManyAsync([
            JobRequest.Create(new RecordArgs("first"), key),
            JobRequest.Create(new RecordArgs("second"), key),
        ]);

        Assert.Equal((results[0].Id, true), (results[0].Id, results[0].Created));
        Assert.Equal((results[0].Id, false), (results[1].Id, results[1].Created));
        Assert.Contains("first", (await Engine.Client.GetAsync(results[0].Id))!.ArgsJson);
    }

    [Fact]
    public async Task Bulk_enqueue_is_all_or_nothing()
    {
        var requests = new[]
        {
            JobRequest.Create(new RecordArgs("ok")),
            new JobRequest("test.record", System.Text.Json.JsonDocument.Parse("[1,2]").RootElement),
        };
        var error = await Assert.ThrowsAsync<ArgumentException>(() => Engine.Client.EnqueueManyAsync(requests));
        Assert.Contains("Job 2", error.Message);
        Assert.Contains("Args must be a JSON object", error.Message);
        Assert.Equal(0L, await Schema.ScalarAsync<long>("select count(*) from {s}.job"));
    }

    public static TheoryData<EnqueueOptions, string> InvalidOptions => new()
    {
        { new EnqueueOptions { MaxAttempts = 0 }, "MaxAttempts" },
        { new EnqueueOptions { Priority = 40_000 }, "Priority" },
        { new EnqueueOptions { Queue = "no spaces" }, "Queue" },
        { new EnqueueOptions { Timeout = TimeSpan.Zero }, "Timeout" },
        { new EnqueueOptions { Delay = TimeSpan.FromSeconds(-1) }, "Delay" },
        { new EnqueueOptions { Delay = TimeSpan.FromSeconds(1), RunAt = DateTimeOffset.UtcNow }, "RunAt" },
        { new EnqueueOptions { Tags = [""] }, "Tags" },
        { new EnqueueOptions { IdempotencyKey = "" }, "IdempotencyKey" },
        { new EnqueueOptions { PartitionKey = new string('p', 201) }, "PartitionKey" },
        // Run times outside the window every reader can show (EnqueueLimits). The end of year 9999 to
        // the tick is 10000-01-01 once PostgreSQL rounds it to microseconds.
        { new EnqueueOptions { RunAt = DateTimeOffset.MaxValue }, "RunAt" },
        { new EnqueueOptions { RunAt = DateTimeOffset.UtcNow.AddYears(11) }, "RunAt" },
        { new EnqueueOptions { RunAt = new DateTimeOffset(1999, 12, 31, 23, 59, 59, TimeSpan.Zero) }, "RunAt" },
        { new EnqueueOptions { RunAt = DateTimeOffset.MinValue }, "RunAt" },
        { new EnqueueOptions { Delay = TimeSpan.FromDays(3654) }, "Delay" },
        { new EnqueueOptions { Delay = TimeSpan.FromDays(365 * 5000) }, "Delay" },
        { new EnqueueOptions { Delay = TimeSpan.MaxValue }, "Delay" },
    };

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public async Task Invalid_options_throw_an_argument_exception_naming_the_option(EnqueueOptions options, string option)
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => Engine.Client.EnqueueAsync(new RecordArgs("x"), options));
        Assert.Equal(option, error.ParamName);
        Assert.Contains(option, error.Message);
        Assert.Equal(0L, await Schema.ScalarAsync<long>("select count(*) from {s}.job"));
    }

    [Fact]
    public async Task A_delayed_job_waits_in_scheduled()
    {
        var job = await Engine.Client.EnqueueAsync(new RecordArgs("later"), new EnqueueOptions { Delay = TimeSpan.FromHours(1) });
        var info = await Engine.Client.GetAsync(job.Id);
        Assert.Equal(JobState.Scheduled, info!.State);
        Assert.InRange(info.ScheduledAt - info.CreatedAt, TimeSpan.FromMinutes(59), TimeSpan.FromMinutes(61));
    }

    [Fact]
    public async Task The_sql_function_enqueues_with_named_options_from_any_language()
    {
        var id = await Schema.ScalarAsync<long>("""
            select {s}.enqueue('test.record', '{"tag":"from sql"}', queue => 'sql', priority => 3, max_attempts => 2,
                               timeout => interval '90 seconds', tags => array['x'], correlation_id => 'c-1',
                               idempotency_key => 'sql-key')
            """);
        var again = await Schema.ScalarAsync<long>("select {s}.enqueue('test.record', '{}', idempotency_key => 'sql-key')");
        var delayed = await Schema.ScalarAsync<long>("select {s}.enqueue('test.record', delay => interval '10 minutes')");

        Assert.Equal(id, again);
        var info = await Engine.Client.GetAsync(id);
        Assert.Equal(("sql", 3, 2, TimeSpan.FromSeconds(90), "c-1"), (info!.Queue, info.Priority, info.MaxAttempts, info.Timeout!.Value, info.CorrelationId));
        Assert.Equal(JobState.Scheduled, (await Engine.Client.GetAsync(delayed))!.State);
    }

    [Theory]
    [InlineData("max_attempts => 0", "max_attempts must be an integer between 1 and 32767")]
    [InlineData("queue => 'bad queue'", "queue must be 1 to 64 letters")]
    [InlineData("priority => 99999", "priority must be an integer")]
    [InlineData("timeout => interval '-1 second'", "timeout must be positive")]
    [InlineData("args => '[1]'", "args must be a JSON object")]
    [InlineData("delay => interval '5000 years'", "delay_ms must be at most 3653 days")]
    [InlineData("delay => interval '3654 days'", "delay_ms must be at most 3653 days")]
    [InlineData("run_at => 'infinity'", "run_at must be between 2000-01-01 and 3653 days")]
    [InlineData("run_at => '9999-12-31 23:59:59.9999999+00'", "run_at must be at most 3653 days (10 years) from now")]
    [InlineData("run_at => now() + interval '11 years'", "run_at must be at most 3653 days (10 years) from now")]
    [InlineData("run_at => '1999-12-31 23:59:59+00'", "run_at must not be before 2000-01-01")]
    [InlineData("run_at => '0500-01-01 BC'", "run_at must not be before 2000-01-01")]
    [InlineData("tags => array['1','2','3','4','5','6','7','8','9','10','11','12','13','14','15','16','17','18','19','20','21']", "tags must be an array of at most 20")]
    public async Task The_sql_function_rejects_bad_options_naming_them(string option, string message)
    {
        var error = await Assert.ThrowsAsync<PostgresException>(() =>
            Schema.ScalarAsync<long>($"select {{s}}.enqueue('test.record', {option})"));
        Assert.Equal(PostgresErrorCodes.InvalidParameterValue, error.SqlState);
        Assert.Contains(message, error.MessageText);
    }
}
