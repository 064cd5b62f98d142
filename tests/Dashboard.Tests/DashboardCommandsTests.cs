using System.Text.RegularExpressions;
using Jobs.Testing;

namespace Jobs.Dashboard.Tests;

/// <summary>Webhook endpoints and schedules from the command line (Jobs.Dashboard run as a process, as an operator would).</summary>
public sealed partial class DashboardCommandsTests : IAsyncLifetime
{
    private TestSchema _schema = null!;

    [GeneratedRegex("whsec_[A-Za-z0-9+/=]+")]
    private static partial Regex WebhookSecret();

    public async Task InitializeAsync() => _schema = await TestSchema.CreateAsync(migrate: false);

    public async Task DisposeAsync() => await _schema.DisposeAsync();

    private Task<(int ExitCode, string Output)> RunAsync(params string[] args) => HostProcess.RunDashboardCommandAsync(_schema, args);

    [Fact]
    public async Task An_operator_creates_edits_rotates_and_deletes_a_webhook_endpoint_from_the_command_line()
    {
        var created = await RunAsync("webhook-endpoint", "create", "--url", "https://93.184.215.14/hooks", "--events", "order.created,order.paid",
            "--description", "shop");
        var refused = await RunAsync("webhook-endpoint", "update", "1", "--url", "http://169.254.169.254/latest/meta-data/");
        var rotated = await RunAsync("webhook-endpoint", "rotate-secret", "1");
        var listed = await RunAsync("webhook-endpoint", "list");
        var deleted = await RunAsync("webhook-endpoint", "delete", "1");
        var missing = await RunAsync("webhook-endpoint", "show", "1");

        Assert.Equal(0, created.ExitCode);
        Assert.Contains("Created webhook endpoint 1 for https://93.184.215.14/hooks.", created.Output);
        var secret = WebhookSecret().Match(created.Output).Value;
        Assert.StartsWith("whsec_", secret);
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("169.254.169.254, a link-local address", refused.Output);
        Assert.Equal(0, rotated.ExitCode);
        Assert.NotEqual(secret, WebhookSecret().Match(rotated.Output).Value);
        Assert.Contains("https://93.184.215.14/hooks\torder.created,order.paid\tshop", listed.Output);
        Assert.DoesNotContain("whsec_", listed.Output);
        Assert.Equal(0, deleted.ExitCode);
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("There is no webhook endpoint 1.", missing.Output);
    }

    [Fact]
    public async Task An_operator_creates_triggers_and_pauses_a_schedule_from_the_command_line_and_a_bad_cron_is_refused_with_the_reason()
    {
        var bad = await RunAsync("schedule", "create", "nightly", "--cron", "0 24 * * *", "--kind", "diag.noop", "--time-zone", "Mars/Olympus");
        var created = await RunAsync("schedule", "create", "nightly", "--cron", "0 3 * * *", "--kind", "diag.sleep", "--args", """{"ms": 1}""",
            "--time-zone", "Europe/Berlin");
        var twice = await RunAsync("schedule", "create", "nightly", "--cron", "0 4 * * *", "--kind", "diag.noop");
        var triggered = await RunAsync("schedule", "trigger", "nightly");
        var paused = await RunAsync("schedule", "pause", "nightly");

        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("--cron: Cron expression '0 24 * * *' is invalid", bad.Output);
        Assert.Contains("--time-zone: Time zone 'Mars/Olympus' is not a known IANA time zone", bad.Output);
        Assert.Equal(0, created.ExitCode);
        Assert.Contains("nightly\t0 3 * * *\tEurope/Berlin\tdiag.sleep\tactive\tmade by an operator", created.Output);
        Assert.Equal(5, Regex.Matches(created.Output, "next fire ").Count);
        Assert.Equal(2, twice.ExitCode);
        Assert.Contains("exists already", twice.Output);
        Assert.Matches("Triggered 'nightly': job [0-9]+", triggered.Output);
        Assert.Contains("\tpaused\t", paused.Output);
        Assert.Equal("0 3 * * *", await _schema.ScalarAsync<string>("select cron from {s}.schedule where name = 'nightly'"));
    }
}
