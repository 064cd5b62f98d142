namespace Jobs.Engine;

/// <summary>
/// An async auto-reset event: <see cref="Set"/> wakes one waiter, or the next one to wait if none
/// waits now. Many sets before a wait coalesce into one wake-up.
/// </summary>
internal sealed class Signal
{
    private readonly object _gate = new();
    private TaskCompletionSource? _waiter;
    private bool _set;

    public void Set()
    {
        TaskCompletionSource? waiter;
        lock (_gate)
        {
            waiter = _waiter;
            _waiter = null;
            _set = waiter is null;
        }
        waiter?.TrySetResult();
    }

    /// <summary>Waits until set or until <paramref name="timeout"/>; true when set.</summary>
    public async Task<bool> WaitAsync(TimeSpan timeout, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        Task task;
        lock (_gate)
        {
            if (_set)
            {
                _set = false;
                return true;
            }
            _waiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            task = _waiter.Task;
        }
        try
        {
            await task.WaitAsync(timeout, timeProvider, cancellationToken);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }
}
