extern alias sandbox;

using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Jobs.Engine.States;
using Jobs.Testing;

namespace Jobs.Dashboard.Tests;

/// <summary>
/// Every example of docs/*.md a reader can copy (each <c>```sh</c> block that calls the API at
/// <c>$JOBS</c>) runs as written, in order, in one shell, against what scripts/run.sh starts: the
/// sandbox, a worker pointed at it, the dashboard, the demo's seed, and an API key made on the command
/// line as run.sh makes it. Every call answers 2xx, and every job the examples enqueue ends succeeded
/// (or deleted, where an example deletes it).
/// </summary>
public sealed partial class DocsExamplesTests
{
    [Fact]
    public async Task Every_api_example_in_the_docs_runs_against_the_sandbox_and_its_jobs_end_succeeded()
    {
        var blocks = Examples();
        Assert.True(blocks.Count >= 8, $"docs/*.md has {blocks.Count} runnable sh examples; the test reads them all");

        await using var schema = await TestSchema.CreateAsync(migrate: false);
        await using var sandbox = sandbox::Jobs.Sandbox.SandboxApp.Build(["--urls", "http://127.0.0.1:0"]);
        await sandbox.StartAsync();
        var sandboxUrl = sandbox.Urls.First().TrimEnd('/') + "/";
        var backups = Directory.CreateTempSubdirectory("jobs-docs-backups");
        // What scripts/run.sh exports for the business jobs.
        var settings = new Dictionary<string, string>
        {
            ["App__Payments__GatewayUrl"] = sandboxUrl + "gateway/",
            ["App__Payments__ApiKey"] = "sk_test_sandbox",
            ["App__Inventory__WarehouseUrl"] = sandboxUrl + "warehouse/",
            ["App__CacheWarming__Sitemaps__0"] = sandboxUrl + "cache/sitemap.xml",
            ["App__Backups__TargetDirectory"] = backups.FullName,
            ["App__Webhooks__AllowLoopback"] = "true",
            ["Demo__SandboxUrl"] = sandboxUrl,
        };
        try
        {
            using var dashboard = HostProcess.StartDashboard(schema, settings);
            var jobs = (await dashboard.AddressAsync()).ToString().TrimEnd('/');
            using (var http = new HttpClient())
            {
                await Eventually.ReturnsAsync(() => http.GetAsync(jobs + "/health/ready"), r => r.StatusCode == HttpStatusCode.OK, "the dashboard to be ready");
            }
            using var worker = HostProcess.StartWorker(schema, settings);
            using (var demo = HostProcess.StartHost("Jobs.Worker.dll", schema, settings, ["demo"]))
            {
                Assert.True(await demo.WaitForExitAsync(TimeSpan.FromSeconds(120)) == 0, "the demo seeds the sandbox:\n" + demo.Output);
            }
            string key;
            using (var create = HostProcess.StartHost("Jobs.Dashboard.dll", schema, null, ["create-api-key", "--name", "docs", "--role", "operator"]))
            {
                Assert.Equal(0, await create.WaitForExitAsync(TimeSpan.FromSeconds(60)));
                key = KeyLine().Match(create.Output).Groups[1].Value;
            }

            var output = await RunAsync(blocks, jobs, key);

            var refused = Calls().Matches(output).Where(m => m.Groups[1].Value[0] != '2').Select(m => $"HTTP {m.Groups[1].Value} in {m.Groups[2].Value}").ToList();
            Assert.True(refused.Count == 0, $"Examples answered other than 2xx: {string.Join("; ", refused)}\n{output}");
            var ids = JobIds().Matches(output).Select(m => long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToHashSet();
            Assert.True(ids.Count >= 8, $"the examples enqueue jobs: {output}");
            await using var client = await TestEngine.StartAsync(schema, server: false);
            foreach (var id in ids)
            {
                var job = await Eventually.ReturnsAsync(() => client.Client.GetAsync(id), j => j is null || JobStates.Final.Contains(j.State),
                    $"job {id} to finish", TimeSpan.FromSeconds(90));
                Assert.True(job is null || job.State == JobState.Succeeded,
                    $"Job {id} ({job?.Kind}) of the docs examples ended {job?.State}: {job?.Errors.LastOrDefault()?.Error}\n{output}");
            }
        }
        finally
        {
            backups.Delete(recursive: true);
        }
    }

    /// <summary>The runnable examples: sh blocks that call the API at $JOBS, with where each is.</summary>
    private static List<(string Where, string Script)> Examples()
    {
        var examples = new List<(string, string)>();
        foreach (var file in Directory.GetFiles(Path.Combine(Repository.Root, "docs"), "*.md").Order(StringComparer.Ordinal))
        {
            var text = File.ReadAllText(file);
            foreach (Match block in ShBlock().Matches(text))
            {
                if (block.Groups[1].Value.Contains("$JOBS", StringComparison.Ordinal))
                {
                    var line = text[..block.Index].Count(c => c == '\n') + 1;
                    examples.Add(($"{Path.GetFileName(file)}:{line}", block.Groups[1].Value));
                }
            }
        }
        return examples;
    }

    /// <summary>
    /// Runs the blocks one after the other in one bash (a block may use what an earlier one set, as a
    /// reader's shell would), with curl writing each answer's status to stderr (so that $(curl ...) in an example reads the answer alone).
    /// </summary>
    private static async Task<string> RunAsync(List<(string Where, string Script)> blocks, string jobs, string key)
    {
        var script = new StringBuilder("set -e\ncurl() { command curl --write-out \"%{stderr}\\n@@ HTTP %{http_code} in $WHERE\\n\" \"$@\"; }\n");
        foreach (var (where, text) in blocks)
        {
            script.Append("WHERE='").Append(where).Append("'\necho \"@@ example $WHERE\"\n").Append(text).Append('\n');
        }
        var start = new ProcessStartInfo("bash", ["-c", script.ToString()]) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["JOBS"] = jobs;
        start.Environment["KEY"] = key;
        using var bash = Process.Start(start)!;
        var stdout = bash.StandardOutput.ReadToEndAsync();
        var stderr = bash.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await bash.WaitForExitAsync(timeout.Token);
        var output = await stdout + await stderr;
        Assert.True(bash.ExitCode == 0, $"The examples failed in bash (exit {bash.ExitCode}):\n{output}");
        return output;
    }

    [GeneratedRegex(@"```sh\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex ShBlock();

    [GeneratedRegex(@"@@ HTTP (\d{3}) in (\S+)")]
    private static partial Regex Calls();

    [GeneratedRegex(@"""(?:id|jobId)"": ?(\d+)")]
    private static partial Regex JobIds();

    [GeneratedRegex(@"Key \(shown once\): (\S+)")]
    private static partial Regex KeyLine();
}
