using System.Net;
using System.Text;
using System.Text.Json;
using Jobs.Engine.Recurring;
using Jobs.Operators;
using Microsoft.Extensions.DependencyInjection;

namespace Jobs.Dashboard.Tests.Api;

/// <summary>Recurring schedules managed over the API: create, read, change, delete, trigger, pause, resume.</summary>
public sealed class SchedulesApiTests : ApiTest
{
    private async Task<JsonElement> CreateAsync(string json)
    {
        var response = await Api.PostJsonAsync("/api/v1/schedules", json);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await response.JsonAsync();
    }

    private Task<HttpResponseMessage> PatchAsync(string path, string json) =>
        Api.PatchAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

    /// <summary>A schedule as a deploy declares it (the dashboard runs no scheduler to write declarations).</summary>
    private Task DeclareAsync(string name) => Host.Schema.ExecuteAsync(
        "insert into {s}.schedule (name, cron, time_zone, kind, args, misfire, declared, next_fire_at) " +
        "values (@name, '0 3 * * *', 'UTC', 'diag.noop', '{}', 'once', true, now() + interval '1 day')", new { name });

    private static List<DateTimeOffset> NextFires(JsonElement schedule) =>
        schedule.GetProperty("nextFires").EnumerateArray().Select(t => t.GetDateTimeOffset()).ToList();

    [Fact]
    public async Task Creating_answers_201_with_the_next_five_fire_times_in_its_time_zone()
    {
        var response = await Api.PostJsonAsync("/api/v1/schedules",
            """{"name": "berlin-morning", "cron": "30 6 * * *", "timeZone": "Europe/Berlin", "kind": "diag.sleep", "args": {"ms": 5}, "queue": "reports"}""");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("/api/v1/schedules/berlin-morning", response.Headers.Location!.OriginalString);
        var created = await response.JsonAsync();
        var fires = NextFires(created);
        Assert.Equal(5, fires.Count);
        var berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        Assert.All(fires, f => Assert.Equal(new TimeSpan(6, 30, 0), TimeZoneInfo.ConvertTime(f, berlin).TimeOfDay));
        Assert.Equal(fires.Order(), fires);
        Assert.Equal("operator", created.GetProperty("owner").GetString());
        Assert.Equal("reports", created.GetProperty("queue").GetString());
        Assert.Equal(5, created.GetProperty("args").GetProperty("ms").GetInt32());
        Assert.Equal(fires[0], created.GetProperty("nextFireAt").GetDateTimeOffset());
        var listed = await (await Api.GetAsync("/api/v1/schedules")).JsonAsync();
        Assert.Equal(["berlin-morning"], listed.EnumerateArray().Select(s => s.GetProperty("name").GetString()));
        var stored = await Host.Services.GetRequiredService<IScheduleClient>().GetAsync("berlin-morning");
        Assert.False(stored!.Declared);
        Assert.Equal("Europe/Berlin", stored.TimeZone);
    }

    [Theory]
    [InlineData("""{"name": "x", "cron": "61 * * * *", "kind": "diag.noop"}""", "cron", "Cron expression '61 * * * *' is invalid: ")]
    [InlineData("""{"name": "x", "cron": "* * *", "kind": "diag.noop"}""", "cron", "has 3 fields; expected 5")]
    [InlineData("""{"name": "x", "kind": "diag.noop"}""", "cron", "cron is required")]
    [InlineData("""{"name": "x", "cron": "0 3 * * *", "timeZone": "Mars/Olympus", "kind": "diag.noop"}""", "timeZone", "Time zone 'Mars/Olympus' is not a known IANA time zone")]
    [InlineData("""{"name": "x", "cron": "0 3 * * *", "kind": "no.such"}""", "kind", "Unknown kind 'no.such'")]
    [InlineData("""{"name": "x", "cron": "0 3 * * *", "kind": "diag.sleep", "args": {"ms": "soon"}}""", "args.ms", "")]
    [InlineData("""{"name": "x", "cron": "0 3 * * *", "kind": "diag.noop", "queue": "bad queue"}""", "queue", "queue")]
    [InlineData("""{"name": "x", "cron": "0 3 * * *", "kind": "diag.noop", "misfire": "twice"}""", "misfire", "once, skip or all")]
    [InlineData("""{"name": "no spaces", "cron": "0 3 * * *", "kind": "diag.noop"}""", "name", "letters, digits")]
    [InlineData("""{"cron": "0 3 * * *", "kind": "diag.noop"}""", "name", "name is required")]
    public async Task A_bad_schedule_is_refused_with_400_naming_the_field(string json, string field, string message)
    {
        var response = await Api.PostJsonAsync("/api/v1/schedules", json);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.ProblemAsync();
        Assert.Equal([field], problem.ErrorKeys());
        Assert.Contains(message, problem.Error(field));
        Assert.Empty(await Host.Services.GetRequiredService<IScheduleClient>().ListAsync());
    }

    [Fact]
    public async Task A_name_in_use_is_refused_naming_the_name_whether_made_here_or_declared_in_code()
    {
        await CreateAsync("""{"name": "hourly", "cron": "@hourly", "kind": "diag.noop"}""");
        await DeclareAsync("nightly");

        var again = await Api.PostJsonAsync("/api/v1/schedules", """{"name": "hourly", "cron": "*/5 * * * *", "kind": "diag.noop"}""");
        var declared = await Api.PostJsonAsync("/api/v1/schedules", """{"name": "nightly", "cron": "*/5 * * * *", "kind": "diag.noop"}""");

        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        Assert.Contains("exists already", (await again.ProblemAsync()).Error("name"));
        Assert.Equal(HttpStatusCode.BadRequest, declared.StatusCode);
        Assert.Contains("declared in code", (await declared.ProblemAsync()).Error("name"));
        Assert.Equal("@hourly", (await Host.Services.GetRequiredService<IScheduleClient>().GetAsync("hourly"))!.Cron);
    }

    [Fact]
    public async Task Patching_changes_the_fields_given_and_refuses_a_bad_cron_keeping_the_old()
    {
        await CreateAsync("""{"name": "report", "cron": "0 3 * * *", "kind": "diag.noop", "misfire": "skip"}""");

        var changed = await PatchAsync("/api/v1/schedules/report", """{"cron": "15 4 * * *", "timeZone": "America/New_York"}""");
        var bad = await PatchAsync("/api/v1/schedules/report", """{"cron": "0 25 * * *"}""");
        var missing = await PatchAsync("/api/v1/schedules/nothing", """{"cron": "0 3 * * *"}""");

        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        var body = await changed.JsonAsync();
        Assert.Equal("15 4 * * *", body.GetProperty("cron").GetString());
        Assert.Equal("skip", body.GetProperty("misfire").GetString());
        var newYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
        Assert.All(NextFires(body), f => Assert.Equal(new TimeSpan(4, 15, 0), TimeZoneInfo.ConvertTime(f, newYork).TimeOfDay));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("is invalid", (await bad.ProblemAsync()).Error("cron"));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("15 4 * * *", (await Host.Services.GetRequiredService<IScheduleClient>().GetAsync("report"))!.Cron);
    }

    [Fact]
    public async Task A_schedule_declared_in_code_is_read_only_here_but_can_be_triggered_and_paused()
    {
        await DeclareAsync("nightly");

        var read = await (await Api.GetAsync("/api/v1/schedules/nightly")).JsonAsync();
        var patched = await PatchAsync("/api/v1/schedules/nightly", """{"cron": "0 4 * * *"}""");
        var deleted = await Api.DeleteAsync("/api/v1/schedules/nightly");
        var paused = await Api.PostAsync("/api/v1/schedules/nightly/pause", null);
        var triggered = await Api.PostAsync("/api/v1/schedules/nightly/trigger", null);

        Assert.Equal("code", read.GetProperty("owner").GetString());
        Assert.Equal(HttpStatusCode.Conflict, patched.StatusCode);
        Assert.Contains("declared in code", (await patched.ProblemAsync()).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.Conflict, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.OK, paused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, triggered.StatusCode);
        var schedule = (await Host.Services.GetRequiredService<IScheduleClient>().GetAsync("nightly"))!;
        Assert.Equal("0 3 * * *", schedule.Cron);
        Assert.NotNull(schedule.PausedAt);
    }

    [Fact]
    public async Task Triggering_enqueues_its_job_now_and_the_schedule_shows_it_as_its_last()
    {
        await CreateAsync("""{"name": "yearly", "cron": "@yearly", "kind": "diag.sleep", "args": {"ms": 1}}""");

        var triggered = await Api.PostAsync("/api/v1/schedules/yearly/trigger", null);

        Assert.Equal(HttpStatusCode.OK, triggered.StatusCode);
        var jobId = (await triggered.JsonAsync()).GetProperty("jobId").GetInt64();
        var job = (await Host.Jobs.GetAsync(jobId))!;
        Assert.Equal("diag.sleep", job.Kind);
        Assert.Contains("\"schedule\": \"yearly\"", job.MetadataJson);
        var schedule = await (await Api.GetAsync("/api/v1/schedules/yearly")).JsonAsync();
        Assert.Equal(jobId, schedule.GetProperty("lastJobId").GetInt64());
        Assert.True(schedule.GetProperty("lastFireAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-1));
        Assert.Equal("available", schedule.GetProperty("lastJobState").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await Api.PostAsync("/api/v1/schedules/nothing/trigger", null)).StatusCode);
    }

    [Fact]
    public async Task Pausing_stops_the_next_fire_resuming_restores_it_and_deleting_removes_it()
    {
        await CreateAsync("""{"name": "minutely", "cron": "* * * * *", "kind": "diag.noop"}""");

        var paused = await (await Api.PostAsync("/api/v1/schedules/minutely/pause", null)).JsonAsync();
        var resumed = await (await Api.PostAsync("/api/v1/schedules/minutely/resume", null)).JsonAsync();
        var deleted = await Api.DeleteAsync("/api/v1/schedules/minutely");

        Assert.True(paused.GetProperty("paused").GetBoolean());
        Assert.False(resumed.GetProperty("paused").GetBoolean());
        Assert.True(resumed.GetProperty("nextFireAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddSeconds(-5));
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Api.GetAsync("/api/v1/schedules/minutely")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Api.PostAsync("/api/v1/schedules/minutely/pause", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Api.PostAsync("/api/v1/schedules/minutely/resume", null)).StatusCode);
    }

    [Fact]
    public async Task A_key_sees_and_makes_only_schedules_of_its_kinds_and_producers_none()
    {
        await CreateAsync("""{"name": "noop", "cron": "@daily", "kind": "diag.noop"}""");
        using var scoped = Host.Client(await Host.CreateKeyAsync(ApiKeyRole.Operator, kinds: ["diag.sleep"], name: "sleepy"));
        using var producer = Host.Client(await Host.CreateKeyAsync(ApiKeyRole.Producer, name: "producer"));

        var list = await (await scoped.GetAsync("/api/v1/schedules")).JsonAsync();
        var read = await scoped.GetAsync("/api/v1/schedules/noop");
        var made = await scoped.PostJsonAsync("/api/v1/schedules", """{"name": "other", "cron": "@daily", "kind": "diag.noop"}""");

        Assert.Empty(list.EnumerateArray());
        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, made.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await producer.GetAsync("/api/v1/schedules")).StatusCode);
        Assert.Null(await Host.Services.GetRequiredService<IScheduleClient>().GetAsync("other"));
    }
}
