using System.Net;
using Jobs.Testing;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Jobs.Dashboard.Tests;

public sealed class DashboardHostTests : IAsyncLifetime
{
    private TestSchema _schema = null!;

    public async Task InitializeAsync() => _schema = await TestSchema.CreateAsync(migrate: false);

    public async Task DisposeAsync() => await _schema.DisposeAsync();

    private WebApplicationFactory<Program> Factory(bool migrate = true) => new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
    {
        web.UseSetting("ConnectionStrings:Jobs", TestDatabase.ConnectionString);
        web.UseSetting("Jobs:Schema", _schema.Name);
        web.UseSetting("Jobs:MigrateOnStart", migrate ? "true" : "false");
    });

    [Fact]
    public async Task The_host_migrates_at_start_and_reports_ready()
    {
        await using var factory = Factory();
        using var client = factory.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        var ready = await client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Contains($"schema {_schema.Name} at migration", await ready.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_overview_counts_jobs_by_state()
    {
        await using var factory = Factory();
        using var client = factory.CreateClient();
        await client.GetAsync("/health/live");
        await _schema.ScalarAsync<long>("select {s}.enqueue('k')");
        await _schema.ScalarAsync<long>("select {s}.enqueue('k', delay => interval '1 hour')");

        var page = await client.GetStringAsync("/");

        Assert.Contains("<td>Available</td><td>1</td>", page);
        Assert.Contains("<td>Scheduled</td><td>1</td>", page);
        Assert.Contains("<td>Dead</td><td>0</td>", page);
    }
}
