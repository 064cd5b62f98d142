using System.Diagnostics;
using System.Text;

namespace Jobs.Testing;

/// <summary>
/// A real host executable (the worker or the dashboard), started as its own process against a test
/// schema and its business schema, with its output captured.
/// </summary>
public sealed class HostProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private HostProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => { lock (_output) { _output.AppendLine(e.Data); } };
        _process.ErrorDataReceived += (_, e) => { lock (_output) { _output.AppendLine(e.Data); } };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts Jobs.Worker.dll (copied beside the tests by a project reference to src/Worker).</summary>
    public static HostProcess StartWorker(TestSchema schema, IReadOnlyDictionary<string, string>? settings = null) =>
        Start("Jobs.Worker.dll", schema, new Dictionary<string, string>
        {
            ["Jobs__Server__HeartbeatInterval"] = "00:00:00.200",
            ["Jobs__Server__ServerTimeout"] = "00:00:02",
            // Health and metrics on a free port: tests run several workers at once.
            ["Worker__Urls"] = "http://127.0.0.1:0",
        }, settings);

    /// <summary>Starts Jobs.Dashboard.dll (copied beside the tests by a project reference to src/Dashboard), on a free port.</summary>
    public static HostProcess StartDashboard(TestSchema schema, IReadOnlyDictionary<string, string>? settings = null) =>
        Start("Jobs.Dashboard.dll", schema, new Dictionary<string, string>
        {
            ["Urls"] = "http://127.0.0.1:0",
            ["Dashboard__SecureCookies"] = "false",
        }, settings);

    /// <summary>Runs a command of Jobs.Dashboard.dll (<c>create-api-key</c>, <c>schedule create ...</c>) to its end: its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunDashboardCommandAsync(TestSchema schema, params string[] args)
    {
        using var process = Start("Jobs.Dashboard.dll", schema, [], null, args);
        // Process.WaitForExitAsync also waits for the redirected output to end.
        var code = await process.WaitForExitAsync(TimeSpan.FromSeconds(60));
        return (code, process.Output);
    }

    /// <summary>Runs one of Jobs.Dashboard.dll's commands (e.g. <c>import-hangfire</c>) on the schema; wait for it with <see cref="WaitForExitAsync"/>.</summary>
    public static HostProcess StartDashboardCommand(TestSchema schema, params string[] args) =>
        Start("Jobs.Dashboard.dll", schema, new Dictionary<string, string>(), null, args);

    /// <summary>Starts another host executable copied beside the tests (a test host program, or a host's command with <paramref name="args"/>), with the worker's fast heartbeat.</summary>
    public static HostProcess StartHost(string assembly, TestSchema schema, IReadOnlyDictionary<string, string>? settings = null, string[]? args = null) =>
        Start(assembly, schema, new Dictionary<string, string>
        {
            ["Jobs__Server__HeartbeatInterval"] = "00:00:00.200",
            ["Jobs__Server__ServerTimeout"] = "00:00:02",
        }, settings, args);

    private static HostProcess Start(string assembly, TestSchema schema, Dictionary<string, string> defaults, IReadOnlyDictionary<string, string>? settings,
        string[]? args = null)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, assembly);
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"{dll} is missing: the test project needs a project reference to the host's project.");
        }
        var start = new ProcessStartInfo("dotnet", [dll, .. args ?? []])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        start.Environment["ConnectionStrings__Jobs"] = TestDatabase.ConnectionString;
        start.Environment["Jobs__Schema"] = schema.Name;
        start.Environment["App__Schema"] = schema.AppSchema;
        start.Environment["App__Webhooks__SecretKey"] = TestKeys.WebhookSecretKey;
        foreach (var (key, value) in defaults.Concat(settings ?? new Dictionary<string, string>()))
        {
            start.Environment[key] = value;
        }
        return new HostProcess(Process.Start(start)!);
    }

    /// <summary>The lines written so far that are JSON objects (the production log format), parsed.</summary>
    public IReadOnlyList<System.Text.Json.JsonElement> LogEvents =>
        Output.Split('\n').Where(l => l.StartsWith('{')).Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement.Clone()).ToList();

    /// <summary>Where the host listens (the worker: health and metrics), once it has started.</summary>
    public async Task<Uri> AddressAsync()
    {
        var address = await Eventually.ReturnsAsync(
            () => Task.FromResult(LogEvents.Where(e => e.TryGetProperty("Addresses", out _))
                .Select(e => e.GetProperty("Addresses").GetString()!.Split(", ")[0]).FirstOrDefault()),
            address => address is not null, "the host to report where it listens", TimeSpan.FromSeconds(60));
        return new Uri(address!);
    }

    /// <summary>Sends SIGTERM, as a container runtime or systemd does to stop a service.</summary>
    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
        kill.WaitForExit();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -TERM {_process.Id} failed with exit code {kill.ExitCode}");
        }
    }

    /// <summary>Sends SIGKILL: the process dies mid-job, as in a crash or an out-of-memory kill.</summary>
    public void Crash() => _process.Kill();

    public async Task<int> WaitForExitAsync(TimeSpan limit)
    {
        using var timeout = new CancellationTokenSource(limit);
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }
        _process.Dispose();
    }
}
