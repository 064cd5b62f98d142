using System.Globalization;
using Jobs.Operators;
using Jobs.Webhooks;

namespace Jobs.Dashboard.Cli;

/// <summary>
/// Webhook endpoints from the command line:
/// <code>
/// Jobs.Dashboard webhook-endpoint create --url &lt;url&gt; [--events a,b] [--description text]   the secret printed once
/// Jobs.Dashboard webhook-endpoint list | show &lt;id&gt;
/// Jobs.Dashboard webhook-endpoint update &lt;id&gt; [--url &lt;url&gt;] [--events a,b] [--description text]
/// Jobs.Dashboard webhook-endpoint rotate-secret &lt;id&gt; | enable &lt;id&gt; | disable &lt;id&gt; | delete &lt;id&gt;
/// </code>
/// </summary>
internal static class EndpointCommands
{
    public const string Name = "webhook-endpoint";

    private const string Usage = "webhook-endpoint create --url <url> [--events a,b] [--description text] | list | show <id> | " +
        "update <id> [--url <url>] [--events a,b] [--description text] | rotate-secret <id> | enable <id> | disable <id> | delete <id>";

    public static async Task<int> RunAsync(IServiceProvider services, string[] args)
    {
        var cli = CliArgs.Parse(args, ["--url", "--events", "--description"], Usage);
        var endpoints = services.GetRequiredService<WebhookEndpoints>();
        var audit = services.GetRequiredService<AuditLog>();
        switch (cli.Positional)
        {
            case ["create"]:
                var url = cli["url"] ?? throw new ArgumentException("--url is required.");
                var created = await endpoints.CreateAsync(url, cli.List("events"), cli["description"]);
                await audit.RecordAsync(new AuditEntry("command line", "system", "webhooks.create", $"endpoint {created.EndpointId}"));
                Console.WriteLine($"Created webhook endpoint {created.EndpointId} for {url}.");
                Console.WriteLine($"Signing secret (shown once): {created.Secret}");
                return 0;
            case ["list"]:
                foreach (var endpoint in await endpoints.ListAsync())
                {
                    Print(endpoint);
                }
                return 0;
            case ["show", var id]:
                return await endpoints.GetAsync(Id(id)) is { } shown ? Print(shown) : Missing(id);
            case ["update", var id]:
                if (cli["url"] is null && cli["events"] is null && cli["description"] is null)
                {
                    throw new ArgumentException("Nothing to change: give --url, --events or --description.");
                }
                if (!await endpoints.UpdateAsync(Id(id), cli["url"], cli["description"], cli.List("events")))
                {
                    return Missing(id);
                }
                await audit.RecordAsync(new AuditEntry("command line", "system", "webhooks.update", $"endpoint {id}"));
                return Print((await endpoints.GetAsync(Id(id)))!);
            case ["rotate-secret", var id]:
                var rotated = await endpoints.RotateSecretAsync(Id(id));
                await audit.RecordAsync(new AuditEntry("command line", "system", "webhooks.rotate_secret", $"endpoint {id}"));
                var until = (await endpoints.GetAsync(Id(id)))?.PreviousSecretExpiresAt;
                Console.WriteLine($"New signing secret of endpoint {id} (shown once): {rotated.Secret}");
                Console.WriteLine($"The previous secret still signs until {until:u}.");
                return 0;
            case ["enable", var id]:
                if (!await endpoints.EnableAsync(Id(id)))
                {
                    return Missing(id);
                }
                await audit.RecordAsync(new AuditEntry("command line", "system", "webhooks.enable", $"endpoint {id}"));
                return Print((await endpoints.GetAsync(Id(id)))!);
            case ["disable", var id]:
                if (await endpoints.GetAsync(Id(id)) is null)
                {
                    return Missing(id);
                }
                if (await endpoints.DisableAsync(Id(id), "disabled from the command line"))
                {
                    await audit.RecordAsync(new AuditEntry("command line", "system", "webhooks.disable", $"endpoint {id}"));
                }
                return Print((await endpoints.GetAsync(Id(id)))!);
            case ["delete", var id]:
                if (await endpoints.DeleteAsync(Id(id), "the command line") is not { } cancelled)
                {
                    return Missing(id);
                }
                await audit.RecordAsync(new AuditEntry("command line", "system", "webhooks.delete", $"endpoint {id}", cancelled));
                Console.WriteLine($"Deleted webhook endpoint {id}; {cancelled} unfinished deliveries cancelled.");
                return 0;
            default:
                throw new ArgumentException($"usage: Jobs.Dashboard {Usage}");
        }
    }

    private static int Print(WebhookEndpoint e)
    {
        Console.WriteLine(string.Join('\t', e.Id.ToString(CultureInfo.InvariantCulture), e.Enabled ? "enabled" : $"disabled ({e.DisabledReason})", e.Url,
            e.EventTypes is { } types ? string.Join(',', types) : "all events", e.Description));
        return 0;
    }

    private static long Id(string text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : throw new ArgumentException($"'{text}' is not an endpoint id.");

    private static int Missing(string id)
    {
        Console.Error.WriteLine($"There is no webhook endpoint {id}.");
        return 1;
    }
}
