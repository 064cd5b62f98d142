namespace Jobs.Engine.Handlers;

/// <summary>
/// Thrown by a handler to end its job cancelled instead of failed: the work is no longer wanted
/// (the order it was for is gone, a policy gives up without calling it a failure). The attempt ends
/// and the job is <see cref="States.JobState.Cancelled"/>, with this message recorded as its reason;
/// its continuations are released as for any cancelled job.
/// </summary>
public sealed class CancelJobException : Exception
{
    /// <summary>Creates the exception with the reason the job is cancelled.</summary>
    public CancelJobException(string message) : base(message) { }

    /// <summary>Creates the exception with the reason and the error that led to it.</summary>
    public CancelJobException(string message, Exception innerException) : base(message, innerException) { }
}
