using System.Net;
using Dapper;
using Jobs.Dashboard.Tests.Api;
using Jobs.Engine.Client;
using Jobs.Engine.Diagnostics;
using Jobs.Operators;
using Jobs.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Jobs.Dashboard.Tests;

/// <summary>
/// The worker and the dashboard as processes on a primary with a synchronous streaming replica, through
/// <c>Host=primary,replica;Target Session Attributes=primary</c>. The primary crashes (immediate stop) while
/// jobs run and the replica is promoted: nobody restarts anything.
/// </summary>
public sealed class FailoverTests
{
    private static readonly HttpClient Http = new();

    [Fact]
    public async Task After_the_primary_crashes_and_the_replica_is_promoted_worker_and_dashboard_carry_on_and_no_acknowledged_job_is_lost()
    {
        await using var pair = await FailoverPair.StartAsync();
        await using var schema = await TestSchema.CreateAsync(migrate: false); // named only: the hosts migrate it on the pair
        var settings = new Dictionary<string, string> { ["ConnectionStrings__Jobs"] = pair.ConnectionString };
        using var worker = HostProcess.StartWorker(schema, settings);
        using var dashboard = HostProcess.StartDashboard(schema, settings);
        await using var client = await TestEngine.StartAsync(schema, settings: new Dictionary<string, string?>
        {
            ["ConnectionStrings:Jobs"] = pair.ConnectionString,
        }, server: false, services: s => s.AddJobsOperators());
        var dashboardAddress = await dashboard.AddressAsync();
        var workerAddress = await worker.AddressAsync();
        await Ready(dashboardAddress, "the dashboard to be ready");
        await Ready(workerAddress, "the worker to be ready");
        using var api = new HttpClient { BaseAddress = dashboardAddress };
        api.DefaultRequestHeaders.Authorization = new("Bearer",
            (await client.Services.GetRequiredService<ApiKeys>().CreateAsync("producer", ApiKeyRole.Producer, null, null, "test")).Key);

        var acknowledged = (await client.Client.EnqueueManyAsync(Enumerable.Range(0, 40).Select(_ => JobRequest.Create(new SleepArgs(200))).ToList()))
            .Select(j => j.Id).ToList();
        await Eventually.ReturnsAsync(() => CountAsync(pair.ConnectionString, schema, "state = 'running'", acknowledged), n => n > 0, "jobs to be running");

        await pair.FailOverAsync();

        // Both hosts find the promoted replica by themselves: an enqueue through the dashboard and one from the client.
        var viaApi = await Eventually.ReturnsAsync(() => api.PostJsonAsync("/api/v1/jobs", """{"kind": "diag.noop"}"""),
            r => r.StatusCode == HttpStatusCode.Created, "the dashboard to enqueue again", TimeSpan.FromSeconds(60));
        acknowledged.Add((await viaApi.JsonAsync()).GetProperty("id").GetInt64());
        acknowledged.Add(await Eventually.ReturnsAsync(async () =>
        {
            try
            {
                return (await client.Client.EnqueueAsync(new NoopArgs())).Id;
            }
            catch (NpgsqlException)
            {
                return 0L;
            }
        }, id => id > 0, "the client to enqueue again", TimeSpan.FromSeconds(60)));

        // Every acknowledged job is on the promoted replica and finishes there, those that ran during the crash included.
        await Eventually.ReturnsAsync(() => CountAsync(pair.ReplicaConnectionString, schema, "state = 'succeeded'", acknowledged),
            n => n == acknowledged.Count, "every acknowledged job to succeed on the promoted replica", TimeSpan.FromSeconds(90));
        Assert.Equal(acknowledged.Count, await CountAsync(pair.ReplicaConnectionString, schema, "true", acknowledged));
        await Ready(dashboardAddress, "the dashboard to be ready again");
        await Ready(workerAddress, "the worker to be ready again");
        Assert.False(worker.HasExited, worker.Output);
        Assert.False(dashboard.HasExited, dashboard.Output);
    }

    private static Task Ready(Uri address, string what) =>
        Eventually.ReturnsAsync(async () =>
        {
            try
            {
                return (await Http.GetAsync(new Uri(address, "/health/ready"))).StatusCode;
            }
            catch (HttpRequestException)
            {
                return HttpStatusCode.ServiceUnavailable;
            }
        }, status => status == HttpStatusCode.OK, what, TimeSpan.FromSeconds(60));

    /// <summary>How many of <paramref name="ids"/> meet <paramref name="condition"/>, or -1 while the database does not answer.</summary>
    private static async Task<long> CountAsync(string connectionString, TestSchema schema, string condition, IReadOnlyList<long> ids)
    {
        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            return await connection.ExecuteScalarAsync<long>($"select count(*) from {schema.Name}.job where id = any(@ids) and {condition}", new { ids = ids.ToArray() });
        }
        catch (NpgsqlException)
        {
            return -1;
        }
    }
}
