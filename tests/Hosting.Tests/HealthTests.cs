using System.Net;
using System.Text.Json;
using Jobs.Testing;

namespace Jobs.Hosting.Tests;

/// <summary>The three health endpoints every host maps: what an orchestrator's probes see.</summary>
public sealed class HealthTests : IAsyncLifetime
{
    private TestSchema _schema = null!;

    public async Task InitializeAsync() => _schema = await TestSchema.CreateAsync(migrate: false);

    public async Task DisposeAsync() => await _schema.DisposeAsync();

    [Fact]
    public async Task Ready_while_the_schema_is_current_unready_naming_the_migration_when_it_falls_behind_and_live_throughout()
    {
        await using var app = await HostingApp.StartAsync(_schema);

        var ready = await app.Http.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("ready", Json(await ready.Content.ReadAsStringAsync()).GetProperty("status").GetString());
        Assert.Equal("no-store", ready.Headers.CacheControl?.ToString());

        // A schema older than this build (a restore, a rolled-back migration): not ready, and says why.
        var latest = await _schema.ScalarAsync<int>("delete from {s}.migration where version = (select max(version) from {s}.migration) returning version");
        var behind = await app.Http.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, behind.StatusCode);
        var reason = Json(await behind.Content.ReadAsStringAsync());
        Assert.Equal("unready", reason.GetProperty("status").GetString());
        Assert.Contains(latest.ToString(System.Globalization.CultureInfo.InvariantCulture), reason.GetProperty("reason").GetString());

        // Liveness runs no check: restarting the process would not mend the database.
        Assert.Equal(HttpStatusCode.OK, (await app.Http.GetAsync("/health/live")).StatusCode);
        var detail = await app.Http.GetAsync("/health");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, detail.StatusCode);
        var database = Json(await detail.Content.ReadAsStringAsync()).GetProperty("checks").GetProperty("database");
        Assert.Equal("unhealthy", database.GetProperty("status").GetString());
        Assert.Contains("ready", database.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
    }

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement;
}
