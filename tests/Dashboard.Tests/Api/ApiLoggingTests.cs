using Jobs.Operators;
using Microsoft.Extensions.DependencyInjection;

namespace Jobs.Dashboard.Tests.Api;

public sealed class ApiLoggingTests
{
    [Fact]
    public async Task The_api_key_never_appears_in_the_logs()
    {
        await using var host = await ApiHost.StartAsync(new Dictionary<string, string> { ["Logging:LogLevel:Default"] = "Debug" });
        var key = await host.CreateKeyAsync(ApiKeyRole.Producer, kinds: ["diag.noop"]);
        // jobs_{prefix}_{secret}; the secret itself may contain '_'.
        var secret = key.Split('_', 3)[2];
        using var api = host.Client(key);

        await api.PostJsonAsync("/api/v1/jobs", """{"kind": "diag.noop"}""");
        await api.PostJsonAsync("/api/v1/jobs", """{"kind": "diag.fail", "args": {"message": "x"}}""");
        await api.PostJsonAsync("/api/v1/jobs", """{"kind": "diag.noop",""");
        await api.PostAsync("/api/v1/jobs/1/retry", null);
        await api.GetAsync("/api/v1/jobs?kind=diag.noop");
        await api.GetAsync("/openapi/v1.json");
        var keys = host.Services.GetRequiredService<ApiKeys>();
        await keys.RevokeAsync((await keys.ListAsync()).Single().Id);
        await api.GetAsync("/api/v1/jobs");

        var lines = host.Logs.Lines.ToList();
        Assert.Contains(lines, l => l.EventId.Id == 3000);
        Assert.Contains(lines, l => l.EventId.Id == 3005);
        foreach (var line in lines)
        {
            var text = line.ToString() + string.Join(" ", line.Scope.Select(s => $"{s.Key}={s.Value}"));
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }
    }
}
