using Hangfire.Common;

namespace Jobs.Hangfire.Server;

/// <summary>
/// What the engine's server needs to run Hangfire jobs: the filter provider their attributes are
/// read through, and a storage over this process's engine for jobs that take a <c>PerformContext</c>.
/// </summary>
internal sealed class HangfireServerContext(IServiceProvider services, IJobFilterProvider filterProvider)
{
    private readonly Lazy<JobsStorage> _storage = new(() =>
        JobsStorage.Create(services, new JobsStorageOptions { PrepareSchemaIfNecessary = false, FilterProvider = filterProvider }));

    public IJobFilterProvider FilterProvider { get; } = filterProvider;

    public JobsStorage Storage => _storage.Value;
}
