using System.Diagnostics;
using System.Text;

namespace Jobs.Testing;

/// <summary>
/// The real worker executable (Jobs.Worker.dll, copied beside the tests by a project reference to
/// src/Worker), started as its own process against a test schema and its business schema.
/// </summary>
public sealed class WorkerProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private WorkerProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => { lock (_output) { _output.AppendLine(e.Data); } };
        _process.ErrorDataReceived += (_, e) => { lock (_output) { _output.AppendLine(e.Data); } };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

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

    public static WorkerProcess Start(TestSchema schema, IReadOnlyDictionary<string, string>? settings = null)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Jobs.Worker.dll");
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"{dll} is missing: the test project needs a project reference to src/Worker.");
        }
        var start = new ProcessStartInfo("dotnet", [dll])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        start.Environment["ConnectionStrings__Jobs"] = TestDatabase.ConnectionString;
        start.Environment["Jobs__Schema"] = schema.Name;
        start.Environment["App__Schema"] = schema.AppSchema;
        start.Environment["Jobs__Server__HeartbeatInterval"] = "00:00:00.200";
        start.Environment["Jobs__Server__ServerTimeout"] = "00:00:02";
        start.Environment["App__Webhooks__SecretKey"] = TestKeys.WebhookSecretKey;
        // Health and metrics on a free port: tests run several workers at once.
        start.Environment["Worker__Urls"] = "http://127.0.0.1:0";
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }
        return new WorkerProcess(Process.Start(start)!);
    }

    /// <summary>The lines written so far that are JSON objects (the production log format), parsed.</summary>
    public IReadOnlyList<System.Text.Json.JsonElement> LogEvents =>
        Output.Split('\n').Where(l => l.StartsWith('{')).Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement.Clone()).ToList();

    /// <summary>Where the worker serves health and metrics, once it has started.</summary>
    public async Task<Uri> AddressAsync()
    {
        var address = await Eventually.ReturnsAsync(
            () => Task.FromResult(LogEvents.Where(e => e.TryGetProperty("Addresses", out _))
                .Select(e => e.GetProperty("Addresses").GetString()!.Split(", ")[0]).FirstOrDefault()),
            address => address is not null, "the worker to report where it serves health and metrics", TimeSpan.FromSeconds(60));
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
