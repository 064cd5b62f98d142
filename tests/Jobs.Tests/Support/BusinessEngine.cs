using Jobs.Testing;

namespace Jobs.Tests.Support;

/// <summary>A worker with the business jobs on a test schema (engine tables) and its _app schema (business tables).</summary>
public static class BusinessEngine
{
    public static Task<TestEngine> StartAsync(TestSchema schema, IReadOnlyDictionary<string, string?>? settings = null,
        bool server = true, Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? services = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["App:Schema"] = schema.AppSchema,
            // A fixed test key (the worker refuses to start without one); never a production key.
            ["App:Webhooks:SecretKey"] = TestKeys.WebhookSecretKey,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }
        return TestEngine.StartAsync(schema, jobs => jobs.AddBusinessJobs(), values, server, services);
    }
}
