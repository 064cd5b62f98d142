using System.Text.Json;
using Jobs.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace Jobs.Hosting.Tests;

/// <summary>
/// What the hosts write to standard output, in both formats (CLEF lines for machines, readable lines
/// for people): the events, with every secret masked wherever it hides.
/// </summary>
public sealed class LogOutputTests : IAsyncLifetime
{
    private const string ApiKey = "sk_live_4eC39HqLyjWDarjtT1zdp7dc";
    private const string WebhookSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const string Password = "correct-horse-battery-staple";
    private const string Bearer = "Bearer eyJhbGciOiJIUzI1NiJ9.c2VjcmV0.c2lnbmF0dXJl";

    private TestSchema _schema = null!;

    public async Task InitializeAsync() => _schema = await TestSchema.CreateAsync(migrate: false);

    public async Task DisposeAsync() => await _schema.DisposeAsync();

    public static TheoryData<string?> Formats => new() { "Jobs.Hosting.Logging.JsonLinesFormatter, Jobs.Hosting", null };

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task Secrets_in_messages_properties_structures_and_exceptions_are_masked(string? formatter)
    {
        var settings = new Dictionary<string, string?>();
        if (formatter is not null)
        {
            settings["Serilog:WriteTo:0:Name"] = "Console";
            settings["Serilog:WriteTo:0:Args:formatter"] = formatter;
        }
        var output = new StringWriter();
        var console = Console.Out;
        Console.SetOut(output);
        try
        {
            await using var app = await HostingApp.StartAsync(_schema, settings, map: web => web.MapGet("/leak", (ILogger<LogOutputTests> logger) =>
            {
                logger.LogInformation("Capturing with {Gateway} as {User}", $"https://pay.example/v1?key={ApiKey}", "ann");
                logger.LogWarning("Sign-in for {Username} with {Password}", "ann", Password);
                logger.LogInformation("Receiver headers {@Headers}", new Dictionary<string, string> { ["Authorization"] = Bearer, ["Accept"] = "*/*" });
                logger.LogError(new InvalidOperationException($"endpoint secret {WebhookSecret} refused"), "Delivery failed for {Endpoint}", 7);
                return "logged";
            }));
            Assert.Equal("logged", await app.Http.GetStringAsync("/leak"));
        }
        finally
        {
            Console.SetOut(console);
        }

        var text = output.ToString();
        Assert.Contains("Capturing with", text);
        Assert.Contains("Delivery failed for", text);
        Assert.Contains("[redacted]", text);
        foreach (var secret in new[] { ApiKey, WebhookSecret, Password, "c2VjcmV0" })
        {
            Assert.DoesNotContain(secret, text);
        }
        if (formatter is not null)
        {
            // One JSON object per line, with the CLEF timestamp.
            Assert.All(text.Split('\n', StringSplitOptions.RemoveEmptyEntries), line =>
                Assert.True(JsonDocument.Parse(line).RootElement.TryGetProperty("@t", out _), line));
        }
    }
}
