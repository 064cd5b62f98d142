using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using Dapper;
using Jobs.Dashboard.Bench;
using Npgsql;

// The dashboard with a million jobs: seeds them (mixed states, a week of history, dead-letter
// groups, webhook traffic, audit entries), starts the real dashboard (Release build, production
// settings) as its own process, signs in as an operator and takes an API key through the
// dashboard's own command line, then requests every page and every list call of the API, a few
// warm-ups and then --rounds times each, interleaved. Each time is measured at the client, from
// sending the request to the last byte of the answer on loopback: an upper bound of server time.
// Prints a table (p50, p95, max per call) and, last, one JSON object.
var options = BenchArgs.Parse(args);
var connectionString = Environment.GetEnvironmentVariable("ConnectionStrings__Jobs")
    ?? throw new InvalidOperationException("Set ConnectionStrings__Jobs.");
const string EngineSchema = "dashboard_bench";
const string AppSchema = "dashboard_bench_app";
const string OperatorsSchema = "dashboard_bench_operators";
var password = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
var environment = new Dictionary<string, string>
{
    ["ConnectionStrings__Jobs"] = connectionString,
    ["Jobs__Schema"] = EngineSchema,
    ["App__Schema"] = AppSchema,
    ["Operators__Schema"] = OperatorsSchema,
    ["App__Webhooks__SecretKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
    ["Dashboard__SecureCookies"] = "false",
    ["JOBS_ADMIN_PASSWORD"] = password,
};

await using var database = NpgsqlDataSource.Create(connectionString);
await DropAsync();
Process? dashboard = null;
try
{
    // The dashboard's command line migrates the three schemas and makes the operator and the key.
    await RunAsync(["create-admin", "bench"]);
    var key = Regex.Match(await RunAsync(["create-api-key", "--name", "bench", "--role", "operator"]), @"jobs_[0-9a-f]+_\S+").Value;

    var seeding = Stopwatch.StartNew();
    await Seed.RunAsync(database, EngineSchema, AppSchema, OperatorsSchema, options.Jobs);
    Console.Error.WriteLine($"seeded {options.Jobs:N0} jobs in {seeding.Elapsed.TotalSeconds:0.0} s");

    var port = FreePort();
    var baseUri = new Uri($"http://127.0.0.1:{port}/");
    dashboard = Start(["--urls", baseUri.ToString().TrimEnd('/')]);
    using var pages = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false })
    { BaseAddress = baseUri, Timeout = TimeSpan.FromSeconds(60) };
    using var api = new HttpClient { BaseAddress = baseUri, Timeout = TimeSpan.FromSeconds(60) };
    api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
    await WaitReadyAsync(pages);
    await SignInAsync(pages);

    var sample = await SampleAsync();
    var calls = Calls(sample);
    // The second page of a list: the API's cursor from its first page.
    var first = JsonDocument.Parse(await api.GetStringAsync("/api/v1/jobs?state=dead&limit=50"));
    calls.Add(new Call("api", "GET /api/v1/jobs?state=dead&cursor=… (page 2)",
        $"/api/v1/jobs?state=dead&limit=50&cursor={Uri.EscapeDataString(first.RootElement.GetProperty("nextCursor").GetString()!)}"));

    var times = calls.ToDictionary(c => c, _ => new List<double>());
    foreach (var call in calls)
    {
        for (var i = 0; i < 3; i++)
        {
            await TimeAsync(call);
        }
    }
    for (var round = 0; round < options.Rounds; round++)
    {
        foreach (var call in calls)
        {
            times[call].Add(await TimeAsync(call));
        }
    }

    Console.WriteLine();
    Console.WriteLine($"dashboard benchmark  jobs={options.Jobs:N0}  rounds={options.Rounds}  ({Environment.ProcessorCount} cores)");
    Console.WriteLine($"  {"call",-74} {"p50 ms",8} {"p95 ms",8} {"max ms",8}");
    var results = new List<object>();
    foreach (var call in calls)
    {
        var sorted = times[call].Order().ToList();
        var (p50, p95, max) = (Percentile(sorted, 0.50), Percentile(sorted, 0.95), sorted[^1]);
        Console.WriteLine($"  {call.Name,-74} {p50,8:0.0} {p95,8:0.0} {max,8:0.0}{(p95 > 100 ? "  over 100 ms" : "")}");
        results.Add(new { call = call.Name, p50_ms = Math.Round(p50, 1), p95_ms = Math.Round(p95, 1), max_ms = Math.Round(max, 1) });
    }
    var worst = results.Cast<dynamic>().Max(r => (double)r.p95_ms);
    Console.WriteLine($"  slowest p95: {worst:0.0} ms over {calls.Count} calls");
    Console.WriteLine(JsonSerializer.Serialize(new { jobs = options.Jobs, rounds = options.Rounds, max_p95_ms = worst, calls = results }));

    async Task<double> TimeAsync(Call call)
    {
        var client = call.Surface == "api" ? api : pages;
        var started = Stopwatch.GetTimestamp();
        using var response = await client.GetAsync(call.Path, HttpCompletionOption.ResponseContentRead);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"{call.Name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
        return elapsed;
    }
}
finally
{
    if (dashboard is { HasExited: false })
    {
        dashboard.Kill(entireProcessTree: true);
        await dashboard.WaitForExitAsync();
    }
    // BENCH_KEEP=1 leaves the seeded schemas for a closer look.
    if (Environment.GetEnvironmentVariable("BENCH_KEEP") != "1")
    {
        await DropAsync();
    }
}

static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

static int FreePort()
{
    using var socket = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
    socket.Start();
    return ((IPEndPoint)socket.LocalEndpoint).Port;
}

async Task<string> RunAsync(string[] command)
{
    using var process = Start(command);
    var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
    await process.WaitForExitAsync();
    return process.ExitCode == 0 ? output : throw new InvalidOperationException($"Jobs.Dashboard {command[0]} failed: {output}");
}

Process Start(string[] arguments)
{
    var start = new ProcessStartInfo("dotnet", [options.Dashboard, .. arguments])
    {
        RedirectStandardOutput = true,
        RedirectStandardError = true,
        WorkingDirectory = Path.GetDirectoryName(options.Dashboard)!,
    };
    foreach (var (name, value) in environment)
    {
        start.Environment[name] = value;
    }
    var process = Process.Start(start)!;
    if (arguments is ["--urls", ..])
    {
        // The host's own log lines are read and dropped, as a log shipper would take them.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine($"dashboard: {e.Data}"); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }
    return process;
}

async Task WaitReadyAsync(HttpClient client)
{
    var deadline = DateTime.UtcNow.AddSeconds(60);
    while (true)
    {
        try
        {
            if ((await client.GetAsync("/health/ready")).IsSuccessStatusCode)
            {
                return;
            }
        }
        catch (HttpRequestException) when (DateTime.UtcNow < deadline)
        {
        }
        if (DateTime.UtcNow > deadline || dashboard!.HasExited)
        {
            throw new InvalidOperationException("The dashboard did not become ready.");
        }
        await Task.Delay(200);
    }
}

async Task SignInAsync(HttpClient client)
{
    var login = await client.GetStringAsync("/login");
    var token = WebUtility.HtmlDecode(Regex.Match(login, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value);
    using var response = await client.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
    {
        ["username"] = "bench",
        ["password"] = password,
        ["__RequestVerificationToken"] = token,
    }));
    if (response.StatusCode != HttpStatusCode.Redirect)
    {
        throw new InvalidOperationException($"Signing in failed: {(int)response.StatusCode}");
    }
}

async Task<Sample> SampleAsync()
{
    await using var connection = await database.OpenConnectionAsync();
    return new Sample(
        DeadId: await connection.QuerySingleAsync<long>($"select max(id) from {EngineSchema}.job where state = 'dead'"),
        OldId: await connection.QuerySingleAsync<long>($"select min(id) from {EngineSchema}.job"),
        Correlation: await connection.QuerySingleAsync<string>($"select correlation_id from {EngineSchema}.job where id = (select max(id) / 2 from {EngineSchema}.job)"),
        From: DateTime.UtcNow.AddDays(-3));
}

List<Call> Calls(Sample s)
{
    var from = s.From.ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture);
    var to = s.From.AddHours(1).ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture);
    var fromIso = s.From.ToString("O", CultureInfo.InvariantCulture);
    var toIso = s.From.AddHours(1).ToString("O", CultureInfo.InvariantCulture);
    string[] pageCalls =
    [
        "/", "/overview/data",
        "/jobs", "/jobs?state=available", "/jobs?state=scheduled", "/jobs?state=running", "/jobs?state=retrying",
        "/jobs?state=succeeded", "/jobs?state=dead", "/jobs?state=cancelled",
        "/jobs?state=dead&kind=webhook.deliver", "/jobs?kind=payment.capture", "/jobs?state=available&queue=payments",
        "/jobs?tag=endpoint-7", "/jobs?state=available&partition=wh-3", $"/jobs?correlation={s.Correlation}",
        "/jobs?q=pay_777775", "/jobs?state=dead&q=card_declined", $"/jobs?from={from}&to={to}",
        "/jobs?state=dead&error=Receiver+answered+503+Service+Unavailable",
        $"/jobs/{s.DeadId}", $"/jobs/{s.OldId}",
        "/jobs/bulk?action=requeue&state=dead&kind=payment.capture", "/jobs/bulk?action=cancel&state=scheduled&queue=maintenance",
        "/dead-letter", "/recurring", "/queues", "/servers", "/webhooks", "/audit", "/admin/operators", "/admin/api-keys",
        // The Hangfire Dashboard over the same jobs: each list's first page, one far down, a job page.
        "/hangfire", "/hangfire/jobs/enqueued", "/hangfire/jobs/enqueued/payments", "/hangfire/jobs/scheduled", "/hangfire/jobs/processing",
        "/hangfire/jobs/succeeded", "/hangfire/jobs/failed", "/hangfire/jobs/deleted", "/hangfire/jobs/awaiting", "/hangfire/retries",
        "/hangfire/recurring", "/hangfire/servers", $"/hangfire/jobs/details/{s.DeadId}", $"/hangfire/jobs/details/{s.OldId}",
        "/hangfire/jobs/succeeded?from=5000&count=20", "/hangfire/jobs/failed?from=2000&count=20",
    ];
    string[] apiCalls =
    [
        "/api/v1/jobs", "/api/v1/jobs?state=available", "/api/v1/jobs?state=dead", "/api/v1/jobs?state=succeeded",
        "/api/v1/jobs?state=dead&kind=webhook.deliver", "/api/v1/jobs?kind=payment.capture", "/api/v1/jobs?queue=payments&state=retrying",
        "/api/v1/jobs?tag=endpoint-7", "/api/v1/jobs?partitionKey=wh-3&state=available", $"/api/v1/jobs?correlationId={s.Correlation}",
        "/api/v1/jobs?search=pay_777775", $"/api/v1/jobs?createdFrom={Uri.EscapeDataString(fromIso)}&createdTo={Uri.EscapeDataString(toIso)}",
        "/api/v1/jobs?state=dead&lastError=Receiver+answered+503+Service+Unavailable",
        $"/api/v1/jobs/{s.DeadId}",
    ];
    return [.. pageCalls.Select(p => new Call("page", "GET " + p, p)), .. apiCalls.Select(p => new Call("api", "GET " + p, p))];
}

async Task DropAsync()
{
    await using var connection = await database.OpenConnectionAsync();
    await connection.ExecuteAsync($"drop schema if exists {EngineSchema} cascade; drop schema if exists {AppSchema} cascade; drop schema if exists {OperatorsSchema} cascade;");
}

internal sealed record Call(string Surface, string Name, string Path);

internal sealed record Sample(long DeadId, long OldId, string Correlation, DateTime From);

internal sealed record BenchArgs(int Jobs, int Rounds, string Dashboard)
{
    public static BenchArgs Parse(string[] args)
    {
        var jobs = 1_000_000;
        var rounds = 20;
        string? dashboard = null;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--jobs": jobs = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--rounds": rounds = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--dashboard": dashboard = Path.GetFullPath(args[i + 1]); break;
                default: throw new ArgumentException($"Unknown option {args[i]}. Usage: Jobs.Dashboard.Bench --dashboard <Jobs.Dashboard.dll> [--jobs N] [--rounds R]");
            }
        }
        return new BenchArgs(jobs, rounds, dashboard ?? throw new ArgumentException("--dashboard <path to Jobs.Dashboard.dll> is required."));
    }
}
