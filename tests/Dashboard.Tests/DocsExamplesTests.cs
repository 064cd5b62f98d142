using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Jobs.Engine.Client;
using Jobs.Engine.Monitoring;
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
        await using var run = await RunShStandIn.StartAsync();

        var output = await RunAsync(blocks, run.Address, run.Key);

        var refused = Calls().Matches(output).Where(m => m.Groups[1].Value[0] != '2').Select(m => $"HTTP {m.Groups[1].Value} in {m.Groups[2].Value}").ToList();
        Assert.True(refused.Count == 0, $"Examples answered other than 2xx: {string.Join("; ", refused)}\n{output}");
        var ids = JobIds().Matches(output).Select(m => long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToHashSet();
        Assert.True(ids.Count >= 8, $"the examples enqueue jobs: {output}");
        foreach (var id in ids)
        {
            var job = await Eventually.ReturnsAsync(() => run.Client.GetAsync(id), j => j is null || JobStates.Final.Contains(j.State),
                $"job {id} to finish", TimeSpan.FromSeconds(90));
            Assert.True(job is null || job.State == JobState.Succeeded,
                $"Job {id} ({job?.Kind}) of the docs examples ended {job?.State}: {job?.Errors.LastOrDefault()?.Error}\n{output}");
        }
    }

    [Fact]
    public async Task The_demo_leaves_failed_webhook_deliveries_to_a_flaky_receiver_for_a_newcomer_to_requeue()
    {
        await using var run = await RunShStandIn.StartAsync();

        var failing = await Eventually.ReturnsAsync(
            async () => (await run.Monitor.ListAsync(new JobQuery { Filter = new JobFilter { Kinds = ["webhook.deliver"], States = [JobState.Retrying] } })).Items,
            list => list.Count == 3, "the flaky receiver's deliveries to fail");
        var dead = await run.Monitor.ListAsync(new JobQuery { Filter = new JobFilter { Kinds = ["webhook.deliver"], States = [JobState.Dead] } });

        Assert.All(failing, job => Assert.Contains("500", job.LastError));
        Assert.Single(failing.Select(j => j.PartitionKey).Distinct());
        Assert.Empty(dead.Items);
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

}
