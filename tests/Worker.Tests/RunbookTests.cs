using System.Diagnostics.Metrics;
using System.Text.RegularExpressions;
using Jobs.Engine;
using Jobs.Hosting.Metrics;
using Jobs.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Jobs.Worker.Tests;

/// <summary>
/// The alert rules in docs/runbook.md are what operators paste into Prometheus: they must load, and
/// every metric of ours they name must be one the hosts export, so renaming a metric breaks this test
/// rather than silently muting an alert.
/// </summary>
public sealed partial class RunbookTests
{
    [Fact]
    public async Task The_runbook_alert_rules_load_in_prometheus_and_name_only_metrics_we_export()
    {
        var runbook = await File.ReadAllTextAsync(Path.Combine(Repository.Root, "docs", "runbook.md"));
        var rules = RulesBlock().Match(runbook);
        Assert.True(rules.Success, "docs/runbook.md has no ```yaml block of alert rules.");
        var file = Path.Combine(Path.GetTempPath(), $"jobs-runbook-{Guid.NewGuid():N}.yml");
        await File.WriteAllTextAsync(file, rules.Groups[1].Value);
        try
        {
            var (exitCode, output) = await Promtool.CheckRulesAsync(file);
            Assert.True(exitCode == 0, $"promtool check rules refused the runbook's rules:\n{output}");
        }
        finally
        {
            File.Delete(file);
        }

        var exported = ExportedNames();
        var named = OurMetric().Matches(rules.Groups[1].Value).Select(m => m.Value).Distinct().ToList();
        Assert.Contains("jobs_queue_oldest_age_seconds", named);
        Assert.Contains("jobs_rescued_total", named);
        var unknown = named.Where(n => !exported.Contains(n)).ToList();
        Assert.True(unknown.Count == 0, $"The runbook alerts on metrics nobody exports: {string.Join(", ", unknown)}. Exported: {string.Join(", ", exported.Order())}");
    }

    /// <summary>The Prometheus names of every instrument of the engine's and the business jobs' meters, histograms with their series.</summary>
    private static HashSet<string> ExportedNames()
    {
        var instruments = new List<Instrument>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (instrument.Meter.Name is JobsMetrics.MeterName or "Jobs.App")
                {
                    lock (instruments)
                    {
                        instruments.Add(instrument);
                    }
                }
            },
        };
        listener.Start();
        using var services = new ServiceCollection().AddMetrics().AddSingleton<JobsMetrics>().AddSingleton<Jobs.AppMetrics>().BuildServiceProvider();
        services.GetRequiredService<JobsMetrics>();
        services.GetRequiredService<Jobs.AppMetrics>();
        var names = new HashSet<string>();
        foreach (var instrument in instruments)
        {
            var type = PrometheusText.TypeOf(instrument);
            var name = PrometheusText.NameOf(instrument, type);
            names.Add(name);
            if (type == "histogram")
            {
                names.UnionWith([name + "_bucket", name + "_sum", name + "_count"]);
            }
        }
        return names;
    }

    [GeneratedRegex("```yaml\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex RulesBlock();

    [GeneratedRegex(@"\b(jobs|webhooks|payments|backups)_[a-z_]+\b")]
    private static partial Regex OurMetric();
}
