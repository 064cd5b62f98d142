using Jobs.Testing;

namespace Jobs.Tests.Support;

public sealed class ScaffoldingTests : IAsyncLifetime
{
    private TestSchema _schema = null!;

    public async Task InitializeAsync() => _schema = await TestSchema.CreateAsync();

    public async Task DisposeAsync() => await _schema.DisposeAsync();

    [Fact]
    public async Task A_worker_with_the_business_jobs_migrates_their_schema_beside_the_engine()
    {
        await using var engine = await BusinessEngine.StartAsync(_schema);

        Assert.True(await _schema.ScalarAsync<bool>("select to_regclass('{app}.migration') is not null"));
        Assert.Equal(Storage.AppDatabase.Migrations.Migrations.Count,
            (int)await _schema.ScalarAsync<long>("select count(*) from {app}.migration"));
    }

    [Fact]
    public async Task The_sandbox_answers_on_loopback()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        using var http = new HttpClient { BaseAddress = sandbox.BaseUri };

        Assert.Equal("127.0.0.1", sandbox.BaseUri.Host);
        Assert.Equal("jobs sandbox", await http.GetStringAsync("/"));
    }
}
