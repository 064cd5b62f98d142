namespace Jobs.Engine.Handlers;

/// <summary>
/// Thrown by a handler when retrying cannot help (a declined card, an invalid request): the attempt
/// fails and the job goes straight to dead, with this message as its reason.
/// </summary>
public sealed class PermanentJobFailureException : Exception
{
    /// <summary>Creates the exception with the reason the job cannot succeed.</summary>
    public PermanentJobFailureException(string message) : base(message) { }

    /// <summary>Creates the exception with the reason and the error that showed it.</summary>
    public PermanentJobFailureException(string message, Exception innerException) : base(message, innerException) { }
}
