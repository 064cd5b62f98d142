using System.Text.Json;
using Jobs.Dashboard.Ui;
using Jobs.Engine.Monitoring;

namespace Jobs.Dashboard.Pages;

/// <summary>The servers that heartbeat: workers busy, version, started, latest heartbeat.</summary>
public sealed class ServersModel(JobsMonitor monitor) : DashboardPage
{
    public IReadOnlyList<ServerInfo> Servers { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken) => Servers = await monitor.ServersAsync(cancellationToken);

    /// <summary>"default: 10, mail: 4" from the heartbeat's JSON.</summary>
    public static string QueuesText(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Object
                ? string.Join(", ", document.RootElement.EnumerateObject().Select(p => $"{p.Name}: {p.Value}"))
                : json;
        }
        catch (JsonException)
        {
            return json;
        }
    }
}
