using Jobs.Engine.Handlers;
using Jobs.Engine.Monitoring;

namespace Jobs.Dashboard.Apis;

/// <summary>
/// The queue a job of a kind goes to when the enqueue names none, as the database decides it: the
/// kind's policy that servers wrote, else the policy in this process's code, else <c>default</c>.
/// Needed only to check a queue-scoped API key before the job exists.
/// </summary>
internal sealed class KindQueues(JobsMonitor monitor, IEnumerable<JobKindRegistration> registrations)
{
    private readonly Dictionary<string, string?> _codeQueues =
        registrations.GroupBy(r => r.Kind, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Options.Queue, StringComparer.Ordinal);

    public async Task<IReadOnlyDictionary<string, string>> DefaultQueuesAsync(IEnumerable<string> kinds, CancellationToken cancellationToken)
    {
        var written = (await monitor.KindsAsync(cancellationToken)).ToDictionary(k => k.Kind, k => k.Queue, StringComparer.Ordinal);
        return kinds.Distinct(StringComparer.Ordinal).ToDictionary(
            kind => kind,
            kind => (written.GetValueOrDefault(kind) ?? _codeQueues.GetValueOrDefault(kind)) ?? "default",
            StringComparer.Ordinal);
    }
}
