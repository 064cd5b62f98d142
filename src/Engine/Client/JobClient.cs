using Jobs.Engine.Handlers;
using Jobs.Engine.Storage;
using Npgsql;

namespace Jobs.Engine.Client;

/// <summary>The engine's <see cref="IJobClient"/>.</summary>
internal sealed class JobClient(JobStore store, JobsMetrics metrics) : IJobClient
{
    /// <summary>Synchronous enqueues of one job from many threads at once share inserts and commits.</summary>
    private readonly EnqueueCombiner _combiner = new(store);

    public Task<EnqueuedJob> EnqueueAsync<TArgs>(TArgs args, EnqueueOptions? options = null, CancellationToken cancellationToken = default)
        where TArgs : IJobArgs =>
        EnqueueOneAsync(JobRequest.Create(args, options), null, cancellationToken);

    public Task<EnqueuedJob> EnqueueAsync<TArgs>(NpgsqlTransaction transaction, TArgs args, EnqueueOptions? options = null,
        CancellationToken cancellationToken = default)
        where TArgs : IJobArgs
    {
        ArgumentNullException.ThrowIfNull(transaction);
        return EnqueueOneAsync(JobRequest.Create(args, options), transaction, cancellationToken);
    }

    public Task<EnqueuedJob> EnqueueAsync(JobRequest request, CancellationToken cancellationToken = default) =>
        EnqueueOneAsync(request, null, cancellationToken);

    public async Task<IReadOnlyList<EnqueuedJob>> EnqueueManyAsync(IReadOnlyCollection<JobRequest> requests,
        CancellationToken cancellationToken = default) =>
        await EnqueueAllAsync(requests, null, cancellationToken);

    public IReadOnlyList<EnqueuedJob> EnqueueMany(IReadOnlyCollection<JobRequest> requests) =>
        EnqueueAllAsync(requests, null, async: false, CancellationToken.None).GetAwaiter().GetResult();

    public async Task<IReadOnlyList<EnqueuedJob>> EnqueueManyAsync(NpgsqlTransaction transaction, IReadOnlyCollection<JobRequest> requests,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        return await EnqueueAllAsync(requests, transaction, cancellationToken);
    }

    public async Task<IReadOnlyList<long>> ReserveIdsAsync(int count, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, 10_000);
        return await store.ReserveIdsAsync(count, cancellationToken);
    }

    public IReadOnlyList<long> ReserveIds(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, 10_000);
        return store.ReserveIds(count);
    }

    public Task<JobInfo?> GetAsync(long id, CancellationToken cancellationToken = default) => store.GetAsync(id, cancellationToken);

    public async Task<bool> RequeueAsync(long id, CancellationToken cancellationToken = default) =>
        await store.RequeueAsync(new JobFilter { Ids = [id] }, cancellationToken) == 1;

    public async Task<bool> CancelAsync(long id, CancellationToken cancellationToken = default) =>
        await store.CancelAsync(new JobFilter { Ids = [id] }, cancellationToken) == 1;

    public async Task<bool> DeleteAsync(long id, CancellationToken cancellationToken = default) =>
        await store.DeleteAsync(new JobFilter { Ids = [id] }, cancellationToken) == 1;

    public Task<int> RequeueManyAsync(JobFilter filter, CancellationToken cancellationToken = default) =>
        store.RequeueAsync(filter ?? throw new ArgumentNullException(nameof(filter)), cancellationToken);

    public Task<int> CancelManyAsync(JobFilter filter, CancellationToken cancellationToken = default) =>
        store.CancelAsync(filter ?? throw new ArgumentNullException(nameof(filter)), cancellationToken);

    public Task<int> CancelManyAsync(JobFilter filter, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        return store.CancelAsync(filter ?? throw new ArgumentNullException(nameof(filter)), cancellationToken, reason);
    }

    public Task<int> DeleteManyAsync(JobFilter filter, CancellationToken cancellationToken = default) =>
        store.DeleteAsync(filter ?? throw new ArgumentNullException(nameof(filter)), cancellationToken);

    public Task PauseQueueAsync(string queue, CancellationToken cancellationToken = default) =>
        QueueNames.IsValid(queue)
            ? store.PauseQueueAsync(queue, null, cancellationToken)
            : throw new ArgumentException($"'{queue}' is not a valid queue name.", nameof(queue));

    public Task<bool> ResumeQueueAsync(string queue, CancellationToken cancellationToken = default) =>
        store.ResumeQueueAsync(queue, cancellationToken);

    private async Task<EnqueuedJob> EnqueueOneAsync(JobRequest request, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var results = await EnqueueAllAsync([request], transaction, cancellationToken);
        return results[0];
    }

    private Task<EnqueuedJob[]> EnqueueAllAsync(IReadOnlyCollection<JobRequest> requests, NpgsqlTransaction? transaction,
        CancellationToken cancellationToken) =>
        EnqueueAllAsync(requests, transaction, async: true, cancellationToken);

    // async: false completes synchronously (see JobStore.Enqueue).
    private async Task<EnqueuedJob[]> EnqueueAllAsync(IReadOnlyCollection<JobRequest> requests, NpgsqlTransaction? transaction,
        bool async, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requests);
        if (requests.Count == 0)
        {
            return [];
        }
        using var activity = JobsTracing.StartEnqueue(requests.First()?.Kind ?? "", requests.Count);
        var results = async ? await store.EnqueueAsync(requests, transaction, cancellationToken)
            : requests.Count == 1 ? [_combiner.Enqueue(requests.First())]
            : store.Enqueue(requests);
        metrics.Enqueued(requests, results);
        if (activity is not null && results.Length == 1)
        {
            activity.SetTag("job.id", results[0].Id);
        }
        return results;
    }
}
