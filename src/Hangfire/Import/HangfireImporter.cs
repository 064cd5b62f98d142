using Hangfire.Common;
using Jobs.Engine.Client;
using Jobs.Engine.Recurring;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Jobs.Hangfire.Import;

/// <summary>
/// Moves a Hangfire.PostgreSql installation onto the engine: its enqueued, scheduled, retrying and
/// failed jobs become engine jobs of kind <c>hangfire.job</c> (available, scheduled, retrying with the
/// attempts spent and the last error, dead with its error) and its recurring jobs engine schedules.
/// The source is only read, in one read-only snapshot. Each job's idempotency key is derived from its
/// source database, schema and id, and a schedule that exists is left as it is, so a second run
/// imports nothing twice. Processing and awaiting jobs are counted, not imported.
/// </summary>
public sealed class HangfireImporter(IServiceProvider services)
{
    /// <summary>Jobs per engine transaction. The default value is 500.</summary>
    public int BatchSize { get; init; } = 500;

    /// <summary>Imports from <paramref name="sourceConnectionString"/>; with <paramref name="dryRun"/>, writes nothing and says what it would import.</summary>
    public async Task<HangfireImportResult> ImportAsync(string sourceConnectionString, string sourceSchema = "hangfire", bool dryRun = false,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(sourceConnectionString);
        var builder = new NpgsqlConnectionStringBuilder(sourceConnectionString);
        var storage = JobsStorage.Create(services, new JobsStorageOptions { PrepareSchemaIfNecessary = false });
        var imports = services.GetRequiredService<JobImports>();
        var schedules = services.GetRequiredService<IScheduleClient>();
        var keyPrefix = $"hangfire:{builder.Database}/{sourceSchema}/";
        var result = new HangfireImportResult { DryRun = dryRun, Source = $"{builder.Host}/{builder.Database}, schema {sourceSchema}" };

        await using var dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
        var source = new HangfirePostgreSqlSource(dataSource, sourceSchema);
        var (connection, transaction) = await source.OpenAsync(cancellationToken);
        await using (connection)
        await using (transaction)
        {
            long after = 0;
            while (true)
            {
                var batch = await source.JobsAsync(transaction, after, BatchSize, cancellationToken);
                if (batch.Count == 0)
                {
                    break;
                }
                after = batch[^1].Id;
                var mapped = new List<(SourceJob Source, ImportedJob Job, string Category)>();
                foreach (var job in batch)
                {
                    try
                    {
                        var (imported, category) = HangfireJobImport.Map(job, storage, keyPrefix + job.Id);
                        imported.Validate();
                        imported.Request.Validate();
                        mapped.Add((job, imported, category));
                    }
                    catch (Exception e) when (e is ArgumentException or FormatException or System.Text.Json.JsonException or InvalidOperationException)
                    {
                        result.Problems.Add($"Hangfire job {job.Id} ({job.State}): {e.Message}");
                    }
                }
                if (mapped.Count == 0)
                {
                    continue;
                }
                var created = await imports.ImportAsync(mapped.Select(m => m.Job).ToList(), dryRun, cancellationToken);
                foreach (var ((_, _, category), enqueued) in mapped.Zip(created))
                {
                    if (enqueued.Created)
                    {
                        result.Imported[category] = result.Imported.GetValueOrDefault(category) + 1;
                    }
                    else
                    {
                        result.AlreadyImported++;
                    }
                }
            }
            foreach (var (state, count) in await source.OtherStatesAsync(transaction, cancellationToken))
            {
                result.NotImported[state] = count;
            }
            foreach (var (name, fields) in await source.RecurringJobsAsync(transaction, cancellationToken))
            {
                if (await schedules.GetAsync(name, cancellationToken) is not null)
                {
                    result.AlreadyImported++;
                    continue;
                }
                try
                {
                    var plan = Storage.RecurringJobs.Plan(storage, name, fields, withoutCode: true)
                        ?? throw new InvalidOperationException("it has no cron expression or job.");
                    if (!dryRun)
                    {
                        plan();
                    }
                    result.Imported[HangfireImportResult.Recurring] = result.Imported.GetValueOrDefault(HangfireImportResult.Recurring) + 1;
                }
                catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException or JobLoadException
                    or Newtonsoft.Json.JsonException)
                {
                    result.Problems.Add($"Hangfire recurring job '{name}': {e.Message}");
                }
            }
        }
        return result;
    }
}

/// <summary>What an import did (or, for a dry run, would do).</summary>
public sealed record HangfireImportResult
{
    /// <summary>The category of recurring jobs in <see cref="Imported"/>.</summary>
    public const string Recurring = "recurring";

    /// <summary>True when nothing was written.</summary>
    public bool DryRun { get; init; }

    /// <summary>The source, without credentials: host, database and schema.</summary>
    public string Source { get; init; } = "";

    /// <summary>New engine jobs and schedules by category: enqueued, scheduled, retrying, failed, recurring.</summary>
    public Dictionary<string, int> Imported { get; } = [];

    /// <summary>Jobs and recurring jobs an earlier run had imported already.</summary>
    public int AlreadyImported { get; set; }

    /// <summary>Jobs left in the source by state (processing, awaiting).</summary>
    public Dictionary<string, long> NotImported { get; } = [];

    /// <summary>Jobs that could not be imported, each with its reason.</summary>
    public List<string> Problems { get; } = [];

    /// <summary>How many were (or would be) imported.</summary>
    public int Total => Imported.Values.Sum();
}
