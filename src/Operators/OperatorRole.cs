namespace Jobs.Operators;

/// <summary>What an operator may do. Each role includes the ones before it.</summary>
public enum OperatorRole
{
    /// <summary>Reads every page; changes nothing.</summary>
    Viewer,

    /// <summary>Also retries, requeues, cancels, deletes and triggers jobs and schedules, and pauses queues.</summary>
    Operator,

    /// <summary>Also manages operator accounts, API keys and webhook endpoints.</summary>
    Admin,
}
