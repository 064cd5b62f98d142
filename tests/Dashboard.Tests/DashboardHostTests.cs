using System.Net;
using Jobs.Testing;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Jobs.Dashboard.Tests;

public sealed class DashboardHostTests : IAsyncLifetime
{
    private TestSchema _schema = null!;

    public async Task InitializeAsync() => _schema = await TestSchema.CreateAsync(migrate: false);

    public async Task DisposeAsync() => await _schema.DisposeAsync();

    private WebApplicationFactory<Program> Factory() => new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
    {
        web.UseSetting("ConnectionStrings:Jobs", TestDatabase.ConnectionString);
        web.UseSetting("Jobs:Schema", _schema.Name);
        web.UseSetting("App:Schema", _schema.AppSchema);
        web.UseSetting("App:Webhooks:SecretKey", TestKeys.WebhookSecretKey);
        web.UseSetting("Dashboard:SecureCookies", "false");
    });

    [Fact]
    public async Task The_host_migrates_at_start_and_reports_ready_without_signing_in()
    {
        await using var factory = Factory();
        using var client = factory.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        var ready = await client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Contains($"schema {_schema.Name} at migration", await ready.Content.ReadAsStringAsync());
        Assert.True(await _schema.ScalarAsync<bool>("select to_regclass('{app}.payment') is not null"));
    }

    [Fact]
    public async Task Readiness_fails_naming_the_schema_when_the_business_tables_are_behind_this_build()
    {
        await using var factory = Factory();
        using var client = factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);

        // As if a process of an older build had migrated, or the newest migration were rolled back.
        var latest = await _schema.ScalarAsync<int>("delete from {app}.migration where version = (select max(version) from {app}.migration) returning version");
        var ready = await client.GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        var body = await ready.Content.ReadAsStringAsync();
        Assert.Contains($"schema {_schema.AppSchema} at migration {latest - 1}, needs {latest}", body);
        Assert.Contains($"schema {_schema.Name} at migration", body);
    }

    [Fact]
    public async Task Everything_else_needs_a_signed_in_operator_or_an_api_key()
    {
        await using var factory = Factory();
        using var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var page = await client.GetAsync("/");
        var api = await client.GetAsync("/api/v1/jobs/1");

        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.StartsWith("/login", page.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        Assert.Equal("application/problem+json", api.Content.Headers.ContentType!.MediaType);
        Assert.Equal("nosniff", page.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Contains("frame-ancestors 'none'", page.Headers.GetValues("Content-Security-Policy").Single());
    }
}
