namespace Jobs.Operators;

/// <summary>An open operator session with its account as it is now.</summary>
public sealed record OperatorSessionInfo
{
    /// <summary>The session id.</summary>
    public required long Id { get; init; }
    /// <summary>The signed-in account (its current role, name and state).</summary>
    public required OperatorAccount Account { get; init; }
    /// <summary>When the operator signed in.</summary>
    public required DateTimeOffset CreatedAt { get; init; }
    /// <summary>The session's last request (to the minute).</summary>
    public required DateTimeOffset LastSeenAt { get; init; }
}
