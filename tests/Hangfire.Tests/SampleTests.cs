using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Jobs.Engine.States;
using Jobs.Testing;

namespace Jobs.Hangfire.Tests;

/// <summary>samples/HangfireSample, a Hangfire application moved onto the engine by two lines, run as its own process.</summary>
public sealed class SampleTests : ClientTestBase
{
    [Fact]
    public async Task The_sample_application_runs_its_hangfire_jobs_on_the_engine()
    {
        var port = FreePort();
        using var sample = HostProcess.StartHost("Jobs.Samples.Hangfire.dll", Schema, new Dictionary<string, string>
        {
            ["Urls"] = $"http://127.0.0.1:{port}",
            // Retry the flaky charge at once rather than after the engine's default backoff.
            ["Jobs__Kinds__hangfire.job__Retry__BaseDelay"] = "00:00:00.100",
        });
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        var order = await Eventually.ReturnsAsync(async () =>
        {
            try
            {
                return await http.PostAsync(new Uri("/orders/7", UriKind.Relative), null);
            }
            catch (HttpRequestException)
            {
                return null;
            }
        }, r => r is not null, "the sample to answer", TimeSpan.FromSeconds(60));
        Assert.Equal(HttpStatusCode.OK, order!.StatusCode);
        var ids = await order.Content.ReadFromJsonAsync<JsonElement>();

        var charge = await FinishedAsync(ids.GetProperty("charge").GetString()!, sample);
        var receipt = await FinishedAsync(ids.GetProperty("receipt").GetString()!, sample);
        var reminder = await FinishedAsync(ids.GetProperty("reminder").GetString()!, sample);

        Assert.Equal(2, charge.Attempt); // the gateway failed once; [AutomaticRetry] retried
        Assert.Contains("Gateway timed out", Assert.Single(charge.Errors).Error);
        Assert.True(receipt.AttemptedAt >= charge.FinalizedAt, "the receipt ran before the charge succeeded");
        Assert.Contains("Receipt for order 7", receipt.MetadataJson);
        // Scheduled two seconds ahead by the client's clock, and run no earlier than that time (the
        // database's created_at is a little later than the client's now, by however long the insert took).
        Assert.True(reminder.ScheduledAt >= reminder.CreatedAt.AddSeconds(1.5), $"the reminder was due at {reminder.ScheduledAt:O}, created {reminder.CreatedAt:O}");
        Assert.True(reminder.AttemptedAt >= reminder.ScheduledAt, "the reminder ran before its time");

        var report = await (await http.PostAsync(new Uri("/reports/now", UriKind.Relative), null)).Content.ReadFromJsonAsync<JsonElement>();
        await FinishedAsync(report.GetProperty("job").GetString()!, sample);
        var schedule = await Engine.Schedules.GetAsync("daily-report");
        Assert.Equal("0 6 * * *", schedule!.Cron);
        Assert.Contains("Ledger: receipt 7", sample.Output);
    }

    private async Task<Engine.Client.JobInfo> FinishedAsync(string id, HostProcess sample)
    {
        var job = await Eventually.ReturnsAsync(async () => (await Engine.Client.GetAsync(long.Parse(id, System.Globalization.CultureInfo.InvariantCulture)))!,
            j => j is not null && JobStates.Final.Contains(j.State), $"job {id} to finish", TimeSpan.FromSeconds(60));
        Assert.True(job.State == JobState.Succeeded, $"job {id} is {job.State}: {string.Join("; ", job.Errors.Select(e => e.Error))}\n{sample.Output}");
        return job;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
