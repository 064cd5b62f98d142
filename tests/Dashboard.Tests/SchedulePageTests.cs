using System.Net;
using Jobs.Dashboard.Tests.Api;
using Jobs.Engine.Recurring;
using Jobs.Operators;
using Microsoft.Extensions.DependencyInjection;

namespace Jobs.Dashboard.Tests;

/// <summary>The schedule page: fire times before saving, the cron parser's reason, and schedules owned by code left alone.</summary>
public sealed class SchedulePageTests : IAsyncLifetime
{
    private ApiHost _host = null!;
    private HttpClient _operator = null!;

    public async Task InitializeAsync()
    {
        _host = await ApiHost.StartAsync();
        _operator = await _host.OperatorAsync(OperatorRole.Operator, "olga");
    }

    public async Task DisposeAsync()
    {
        _operator.Dispose();
        await _host.DisposeAsync();
    }

    private IScheduleClient Schedules => _host.Services.GetRequiredService<IScheduleClient>();

    [Fact]
    public async Task Showing_fire_times_saves_nothing_and_a_bad_cron_or_zone_shows_the_reason()
    {
        var preview = await _operator.GetStringAsync("/recurring/schedule?preview=true&name=x&cron=0+9+*+*+1&timeZone=Asia%2FTokyo&kind=diag.noop");
        var bad = await _operator.GetStringAsync("/recurring/schedule?preview=true&name=x&cron=0+9+*+*+8&timeZone=Moon%2FBase&kind=diag.noop");

        Assert.Equal(5, System.Text.RegularExpressions.Regex.Matches(preview, "data-fire=").Count);
        Assert.Contains("09:00:00 Asia/Tokyo", preview);
        Assert.Contains("Cron expression &#x27;0 9 * * 8&#x27; is invalid", bad);
        Assert.Contains("Time zone &#x27;Moon/Base&#x27; is not a known IANA time zone", bad);
        Assert.Empty(await Schedules.ListAsync());
    }

    [Fact]
    public async Task The_live_preview_answers_the_fire_times_or_the_reasons()
    {
        var fires = await _operator.GetStringAsync("/recurring/schedule?handler=Fires&cron=%40daily&timeZone=America%2FNew_York");
        var bad = System.Text.Json.JsonDocument.Parse(await _operator.GetStringAsync("/recurring/schedule?handler=Fires&cron=1+2+3&timeZone=Nowhere")).RootElement;

        Assert.Equal(5, System.Text.RegularExpressions.Regex.Matches(fires, "00:00:00 America/New_York").Count);
        Assert.Contains("has 3 fields; expected 5", bad.GetProperty("cron").GetString());
        Assert.Contains("Time zone 'Nowhere' is not a known IANA time zone", bad.GetProperty("timeZone").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, bad.GetProperty("fires").ValueKind);
    }

    [Fact]
    public async Task Saving_creates_the_schedule_and_a_second_save_of_the_name_is_refused_naming_it()
    {
        (string, string)[] form = [("name", "weekly"), ("cron", "0 9 * * 1"), ("timeZone", "UTC"), ("kind", "diag.noop"), ("args", "{}"), ("queue", ""), ("misfire", "skip")];

        var created = await DashboardForms.PostAsync(_operator, "/recurring/schedule?handler=Save", await DashboardForms.TokenAsync(_operator, "/recurring/schedule"), form);
        var again = await DashboardForms.PostAsync(_operator, "/recurring/schedule?handler=Save", await DashboardForms.TokenAsync(_operator, "/recurring/schedule"), form);

        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        Assert.Equal("/recurring", created.Headers.Location!.OriginalString);
        Assert.Equal(MisfirePolicy.Skip, (await Schedules.GetAsync("weekly"))!.Misfire);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Contains("A schedule named &#x27;weekly&#x27; exists already", await again.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_schedule_owned_by_code_is_shown_read_only_and_a_post_changes_nothing()
    {
        await _host.Schema.ExecuteAsync("insert into {s}.schedule (name, cron, time_zone, kind, args, misfire, declared, next_fire_at) " +
            "values ('nightly', '0 3 * * *', 'UTC', 'diag.noop', '{}', 'once', true, now() + interval '1 day')");

        var page = await _operator.GetStringAsync("/recurring/schedule/nightly");
        var list = await _operator.GetStringAsync("/recurring");
        var saved = await DashboardForms.PostAsync(_operator, "/recurring/schedule/nightly?handler=Save", DashboardForms.TokenIn(page),
            ("cron", "0 4 * * *"), ("timeZone", "UTC"), ("kind", "diag.noop"), ("args", "{}"));
        var deleted = await DashboardForms.PostAsync(_operator, "/recurring/schedule/nightly?handler=Delete", DashboardForms.TokenIn(page));

        Assert.Contains("owned by code", page);
        Assert.DoesNotContain("id=\"save\"", page);
        Assert.Contains("owned by code", list);
        Assert.Contains("href=\"/jobs?kind=diag.noop&amp;schedule=nightly\"", list);
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, deleted.StatusCode);
        Assert.Equal("0 3 * * *", (await Schedules.GetAsync("nightly"))!.Cron);
    }
}
