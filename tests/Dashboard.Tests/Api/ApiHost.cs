using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Jobs.Engine.Client;
using Jobs.Operators;
using Jobs.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Jobs.Dashboard.Tests.Api;

/// <summary>
/// The dashboard host on a fresh schema of the test PostgreSQL, with its logs captured, and
/// helpers to make API keys and call the API with them.
/// </summary>
public sealed class ApiHost : IAsyncDisposable
{
    private readonly WebApplicationFactory<Program> _factory;

    private ApiHost(TestSchema schema, WebApplicationFactory<Program> factory, CapturedLogs logs)
    {
        Schema = schema;
        _factory = factory;
        Logs = logs;
    }

    public TestSchema Schema { get; }
    public CapturedLogs Logs { get; }
    public IServiceProvider Services => _factory.Services;
    public IJobClient Jobs => Services.GetRequiredService<IJobClient>();

    /// <summary>
    /// Starts the host (it migrates the schema). Settings are configuration keys, e.g. <c>Dashboard:MaxBatchJobs</c>;
    /// <paramref name="services"/> adds to the host's own services.
    /// </summary>
    public static async Task<ApiHost> StartAsync(IReadOnlyDictionary<string, string>? settings = null, Action<IServiceCollection>? services = null)
    {
        var schema = await TestSchema.CreateAsync(migrate: false);
        var logs = new CapturedLogs();
        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("ConnectionStrings:Jobs", TestDatabase.ConnectionString);
            web.UseSetting("Jobs:Schema", schema.Name);
            web.UseSetting("App:Schema", schema.AppSchema);
            web.UseSetting("App:Webhooks:SecretKey", TestKeys.WebhookSecretKey);
            web.UseSetting("Dashboard:SecureCookies", "false");
            foreach (var (key, value) in settings ?? new Dictionary<string, string>())
            {
                web.UseSetting(key, value);
            }
            web.ConfigureLogging(logging => logging.AddProvider(logs));
            if (services is not null)
            {
                web.ConfigureTestServices(services);
            }
        });
        var host = new ApiHost(schema, factory, logs);
        // The first client starts the host, which migrates the schema.
        using var _ = factory.CreateClient();
        return host;
    }

    /// <summary>Makes an API key, as an admin would, and returns it in clear.</summary>
    public async Task<string> CreateKeyAsync(ApiKeyRole role = ApiKeyRole.Operator, string[]? kinds = null, string[]? queues = null, string name = "test app")
    {
        var created = await Services.GetRequiredService<ApiKeys>().CreateAsync(name, role, kinds, queues, "test");
        return created.Key;
    }

    /// <summary>A browser signed in to the dashboard as a new operator account of <paramref name="role"/>.</summary>
    public async Task<HttpClient> OperatorAsync(OperatorRole role = OperatorRole.Operator, string username = "olga")
    {
        const string password = "api-host-password";
        var hash = Services.GetRequiredService<IPasswordHasher<OperatorAccount>>().HashPassword(null!, password);
        await Services.GetRequiredService<OperatorAccounts>().CreateAsync(username, hash, role, "test");
        var client = Anonymous();
        var response = await DashboardForms.SignInAsync(client, username, password);
        Assert.Equal(System.Net.HttpStatusCode.Redirect, response.StatusCode);
        return client;
    }

    /// <summary>A client without credentials.</summary>
    public HttpClient Anonymous() => _factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    /// <summary>A client that sends <paramref name="key"/> as a bearer token.</summary>
    public HttpClient Client(string key)
    {
        var client = Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await _factory.DisposeAsync();
        await Schema.DisposeAsync();
    }
}

/// <summary>Shorthands for calling the API and reading its answers.</summary>
public static class ApiCalls
{
    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string path, string json, Action<HttpRequestMessage>? configure = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        configure?.Invoke(request);
        return client.SendAsync(request);
    }

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>();

    /// <summary>The problem document of an error answer, checking it is problem+json.</summary>
    public static async Task<JsonElement> ProblemAsync(this HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await response.JsonAsync();
    }

    /// <summary>The field names of a validation problem's <c>errors</c>.</summary>
    public static IReadOnlyList<string> ErrorKeys(this JsonElement problem) =>
        problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).ToList();

    /// <summary>The first message of one field of a validation problem.</summary>
    public static string Error(this JsonElement problem, string field) =>
        problem.GetProperty("errors").GetProperty(field)[0].GetString()!;

    public static long Id(this JsonElement job) => job.GetProperty("id").GetInt64();

    /// <summary>The ids of the first page of <c>GET /api/v1/jobs?{query}</c>.</summary>
    public static async Task<List<long>> JobIdsAsync(this HttpClient api, string query)
    {
        var response = await api.GetAsync("/api/v1/jobs?" + query);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return (await response.JsonAsync()).GetProperty("items").EnumerateArray().Select(j => j.Id()).ToList();
    }
}

/// <summary>A test class with its own host (a fresh schema per test) and a client with a key of <see cref="Role"/>.</summary>
public abstract class ApiTest : IAsyncLifetime
{
    protected ApiHost Host { get; private set; } = null!;
    protected HttpClient Api { get; private set; } = null!;

    protected virtual ApiKeyRole Role => ApiKeyRole.Operator;
    protected virtual IReadOnlyDictionary<string, string>? Settings => null;

    public async Task InitializeAsync()
    {
        Host = await ApiHost.StartAsync(Settings);
        Api = Host.Client(await Host.CreateKeyAsync(Role, name: "ops-bot"));
    }

    public async Task DisposeAsync()
    {
        Api.Dispose();
        await Host.DisposeAsync();
    }
}
