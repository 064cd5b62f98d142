using Polly.Timeout;

namespace Jobs.Http;

/// <summary>
/// Reads a response body within the per-call timeout, counted from the response headers. The
/// resilience handler's attempt timeout ends when the headers arrive (HttpClient reads the body
/// after the handler returns), so a body that trickles needs this bound of its own; past it, it
/// throws <see cref="TimeoutRejectedException"/> as the handler's timeout does.
/// </summary>
internal static class ResponseBody
{
    public static async Task<T> ReadAsync<T>(Func<CancellationToken, Task<T>> read, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            return await read(deadline.Token);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutRejectedException("The response body did not arrive within the call's timeout.", e);
        }
    }
}
