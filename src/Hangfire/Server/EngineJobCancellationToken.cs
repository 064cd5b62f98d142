using Hangfire;

namespace Jobs.Hangfire.Server;

/// <summary>
/// Hangfire's <see cref="IJobCancellationToken"/> over the engine's token, which fires on the
/// attempt's timeout, when the job is cancelled or deleted, and when shutdown's drain period ends.
/// </summary>
internal sealed class EngineJobCancellationToken(CancellationToken token) : IJobCancellationToken
{
    public CancellationToken ShutdownToken => token;

    public void ThrowIfCancellationRequested() => token.ThrowIfCancellationRequested();
}
