using System.Net;
using Dapper;
using Jobs.Testing;

namespace Jobs.Dashboard.Tests;

/// <summary>The dashboard as a container runtime stops it: SIGTERM to the real process.</summary>
public sealed class DashboardShutdownTests
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(60) };

    [Fact]
    public async Task Sigterm_lets_a_request_in_flight_finish_then_the_dashboard_exits_cleanly()
    {
        await using var schema = await TestSchema.CreateAsync();
        using var dashboard = HostProcess.StartDashboard(schema, new Dictionary<string, string> { ["Dashboard__ShutdownTimeout"] = "00:00:20" });
        var address = await dashboard.AddressAsync();
        await Eventually.ReturnsAsync(() => Http.GetAsync(new Uri(address, "/health/ready")), r => r.StatusCode == HttpStatusCode.OK, "the dashboard to be ready");

        // A readiness check that has to wait for the database: a lock on the migration table holds it.
        await using var connection = await schema.DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await connection.ExecuteAsync($"lock table {schema.Name}.migration in access exclusive mode", transaction: transaction);
        var inFlight = Http.GetAsync(new Uri(address, "/health/ready"));
        await Eventually.ReturnsAsync(
            () => schema.ScalarAsync<long>("select count(*) from pg_locks l join pg_class c on c.oid = l.relation where c.relname = 'migration' and not l.granted"),
            waiting => waiting > 0, "the request to wait for the lock");

        dashboard.Terminate();
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.False(inFlight.IsCompleted, "the request finished before the lock was released");
        Assert.False(dashboard.HasExited, "the dashboard exited with a request in flight, before its shutdown timeout");
        await transaction.CommitAsync();

        var response = await inFlight;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, await dashboard.WaitForExitAsync(TimeSpan.FromSeconds(20)));
        Assert.Contains("Application is shutting down", dashboard.Output);
    }
}
