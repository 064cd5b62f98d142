namespace Jobs.Operators;

/// <summary>An operator account as stored (the password only as its hash).</summary>
public sealed record OperatorAccount
{
    /// <summary>The account id.</summary>
    public required long Id { get; init; }
    /// <summary>The login name.</summary>
    public required string Username { get; init; }
    /// <summary>The salted, iterated hash the host's password hasher made.</summary>
    public required string PasswordHash { get; init; }
    /// <summary>What the operator may do.</summary>
    public required OperatorRole Role { get; init; }
    /// <summary>When the account was made.</summary>
    public required DateTimeOffset CreatedAt { get; init; }
    /// <summary>Who made it.</summary>
    public required string CreatedBy { get; init; }
    /// <summary>When it was disabled; null while it may log in.</summary>
    public DateTimeOffset? DisabledAt { get; init; }
    /// <summary>Failed logins since the last success or lock.</summary>
    public int FailedLogins { get; init; }
    /// <summary>Logins are refused until then.</summary>
    public DateTimeOffset? LockedUntil { get; init; }
    /// <summary>The last successful login.</summary>
    public DateTimeOffset? LastLoginAt { get; init; }
}
