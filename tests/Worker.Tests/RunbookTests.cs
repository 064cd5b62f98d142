using System.Diagnostics.Metrics;
using System.Text.RegularExpressions;
using Jobs.Engine;
using Jobs.Hosting.Metrics;
using Jobs.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

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

        var exported = await ExportedNamesAsync();
        var named = OurMetric().Matches(rules.Groups[1].Value).Select(m => m.Value).Distinct().ToList();
        Assert.Contains("jobs_queue_oldest_age_seconds", named);
        Assert.Contains("jobs_rescued_total", named);
        var unknown = named.Where(n => !exported.Contains(n)).ToList();
        Assert.True(unknown.Count == 0, $"The runbook alerts on metrics nobody exports: {string.Join(", ", unknown)}. Exported: {string.Join(", ", exported.Order())}");
    }

    /// <summary>
    /// The Prometheus names of every instrument of the engine's and the business jobs' meters, histograms
    /// with their series, as /metrics writes them: a twin of each instrument (same name, unit and type)
    /// is measured once on a host with the production metrics export, and its exposition is read.
    /// </summary>
    private static async Task<HashSet<string>> ExportedNamesAsync()
    {
        var instruments = new List<Instrument>();
        using (var services = new ServiceCollection().AddMetrics().AddSingleton<JobsMetrics>().AddSingleton<Jobs.AppMetrics>().BuildServiceProvider())
        {
            // This provider's instruments only: other tests' hosts publish theirs meanwhile.
            var factory = services.GetRequiredService<IMeterFactory>();
            using var listener = new MeterListener
            {
                InstrumentPublished = (instrument, _) =>
                {
                    if (ReferenceEquals(instrument.Meter.Scope, factory))
                    {
                        lock (instruments)
                        {
                            instruments.Add(instrument);
                        }
                    }
                },
            };
            listener.Start();
            services.GetRequiredService<JobsMetrics>();
            services.GetRequiredService<Jobs.AppMetrics>();
        }

        const string Twins = "Jobs.Runbook.Twins";
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.Configure<MetricsOptions>(o => o.AdditionalMeters = [Twins]);
        builder.Services.AddJobsMetricsExport();
        await using var app = builder.Build();
        app.MapPrometheusScrapingEndpoint();
        var meter = app.Services.GetRequiredService<IMeterFactory>().Create(Twins);
        var measure = instruments.Select(i => Twin(meter, i)).ToList();
        await app.StartAsync();
        measure.ForEach(m => m());
        using var http = new HttpClient();
        var text = await http.GetStringAsync(new Uri(new Uri(app.Urls.Single()), "/metrics"));
        var (exitCode, promtool) = await Promtool.CheckMetricsAsync(text);
        Assert.True(exitCode == 0, $"promtool check metrics failed ({exitCode}):\n{promtool}\n--- metrics ---\n{text}");

        var names = new HashSet<string>();
        foreach (Match type in TypeLine().Matches(text))
        {
            var name = type.Groups[1].Value;
            names.Add(name);
            if (type.Groups[2].Value == "histogram")
            {
                names.UnionWith([name + "_bucket", name + "_sum", name + "_count"]);
            }
        }
        // Every instrument is exported, none dropped by a view.
        Assert.Equal(instruments.Count, TypeLine().Matches(text).Count(m => OurMetric().IsMatch(m.Groups[1].Value)));
        return names;
    }

    /// <summary>Creates on <paramref name="meter"/> an instrument like <paramref name="original"/>; returns what measures it once.</summary>
    private static Action Twin(Meter meter, Instrument original)
    {
        var type = original.GetType().GetGenericTypeDefinition();
        var (name, unit, help) = (original.Name, original.Unit, original.Description);
        if (type == typeof(Counter<>))
        {
            var counter = meter.CreateCounter<long>(name, unit, help);
            return () => counter.Add(1);
        }
        if (type == typeof(UpDownCounter<>))
        {
            var counter = meter.CreateUpDownCounter<long>(name, unit, help);
            return () => counter.Add(1);
        }
        if (type == typeof(Histogram<>))
        {
            var histogram = meter.CreateHistogram<double>(name, unit, help);
            return () => histogram.Record(1);
        }
        if (type == typeof(Gauge<>))
        {
            var gauge = meter.CreateGauge<double>(name, unit, help);
            return () => gauge.Record(1);
        }
        if (type == typeof(ObservableGauge<>))
        {
            meter.CreateObservableGauge(name, () => 1.0, unit, help);
        }
        else if (type == typeof(ObservableCounter<>))
        {
            meter.CreateObservableCounter(name, () => 1L, unit, help);
        }
        else if (type == typeof(ObservableUpDownCounter<>))
        {
            meter.CreateObservableUpDownCounter(name, () => 1L, unit, help);
        }
        else
        {
            throw new NotSupportedException($"{original.Name} is a {original.GetType().Name}: teach this test to make its twin.");
        }
        return () => { };
    }

    [GeneratedRegex(@"^# TYPE (\S+) (\S+)$", RegexOptions.Multiline)]
    private static partial Regex TypeLine();

    [GeneratedRegex("```yaml\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex RulesBlock();

    [GeneratedRegex(@"\b(jobs|webhooks|payments|backups)_[a-z_]+\b")]
    private static partial Regex OurMetric();
}
