using Jobs.Hangfire.Import;
using Jobs.Operators;

namespace Jobs.Dashboard.Cli;

/// <summary>
/// <c>import-hangfire --from &lt;connection string&gt; [--schema hangfire] [--dry-run]</c>: copies a
/// Hangfire.PostgreSql installation's enqueued, scheduled, retrying and failed jobs and its recurring
/// jobs into the engine (<see cref="HangfireImporter"/>), prints what it imported, and records the
/// import in the audit log. The source is only read; a second run imports nothing twice. The
/// connection string is never printed (it may hold a password): the source is named by host,
/// database and schema.
/// </summary>
internal static class HangfireImportCommand
{
    private const string Usage = "usage: import-hangfire --from <connection string> [--schema hangfire] [--dry-run]";

    private static readonly string[] Categories = ["enqueued", "scheduled", "retrying", "failed", HangfireImportResult.Recurring];

    public static async Task<int> RunAsync(IServiceProvider services, string[] args)
    {
        string? from = null;
        var schema = "hangfire";
        var dryRun = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--dry-run":
                    dryRun = true;
                    break;
                case "--from" or "--schema" when i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal):
                    throw new ArgumentException($"{args[i]} needs a value. {Usage}");
                case "--from":
                    from = args[++i];
                    break;
                case "--schema":
                    schema = args[++i];
                    break;
                default:
                    throw new ArgumentException($"Unknown option {args[i]}. {Usage}");
            }
        }
        if (string.IsNullOrWhiteSpace(from))
        {
            throw new ArgumentException($"--from is required. {Usage}");
        }
        HangfireImportResult result;
        try
        {
            result = await new HangfireImporter(services).ImportAsync(from, schema, dryRun);
        }
        catch (Npgsql.NpgsqlException e)
        {
            await Console.Error.WriteLineAsync($"Cannot read the Hangfire.PostgreSql database: {e.Message}");
            return 1;
        }
        Console.WriteLine($"{(dryRun ? "Dry run: would import" : "Imported")} from Hangfire.PostgreSql at {result.Source}:");
        foreach (var category in Categories)
        {
            Console.WriteLine($"  {category,-10} {result.Imported.GetValueOrDefault(category),8}");
        }
        Console.WriteLine($"  {"total",-10} {result.Total,8}");
        Console.WriteLine($"  already imported by an earlier run: {result.AlreadyImported}");
        foreach (var (state, count) in result.NotImported)
        {
            Console.WriteLine($"  not imported: {count} {state.ToLowerInvariant()} (run the import again once Hangfire's servers have finished them)");
        }
        foreach (var problem in result.Problems)
        {
            await Console.Error.WriteLineAsync($"  not imported: {problem}");
        }
        if (!dryRun && result.Total > 0)
        {
            await services.GetRequiredService<AuditLog>().RecordAsync(new AuditEntry("command line", "system", "hangfire.import", result.Source,
                result.Imported.Where(c => c.Key != HangfireImportResult.Recurring).Sum(c => c.Value), new { imported = result.Imported }));
        }
        return result.Problems.Count == 0 ? 0 : 1;
    }
}
