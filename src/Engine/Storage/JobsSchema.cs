using Microsoft.Extensions.Options;

namespace Jobs.Engine.Storage;

/// <summary>
/// Brings the schema up to date once per process, before anything uses it: migrates when
/// <see cref="JobsOptions.MigrateOnStart"/> is set, else checks that someone else did; then runs the
/// registered <see cref="IJobsStartupTask"/>s (an application's own migrations).
/// </summary>
public sealed class JobsSchema(Migrator migrator, IOptions<JobsOptions> options, IEnumerable<IJobsStartupTask> startupTasks)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private bool _ready;

    /// <summary>True once the schema was found or made current in this process.</summary>
    public bool IsReady => _ready;

    /// <summary>Migrates or verifies the schema; later calls return at once.</summary>
    public async Task EnsureAsync(CancellationToken cancellationToken)
    {
        if (_ready)
        {
            return;
        }
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_ready)
            {
                return;
            }
            if (options.Value.MigrateOnStart)
            {
                await migrator.MigrateAsync(cancellationToken);
            }
            else
            {
                var expected = Migrator.All[^1].Version;
                var current = await migrator.CurrentVersionAsync(cancellationToken);
                if (current < expected)
                {
                    throw new InvalidOperationException(
                        $"Schema '{options.Value.Schema}' is at migration {current}, this version needs {expected}. " +
                        "Run the migrations (Jobs:MigrateOnStart=true on one process) before starting.");
                }
            }
            foreach (var task in startupTasks)
            {
                await task.RunAsync(cancellationToken);
            }
            _ready = true;
        }
        finally
        {
            _gate.Release();
        }
    }
}
