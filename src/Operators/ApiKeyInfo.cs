namespace Jobs.Operators;

/// <summary>An API key as listed: never the key itself, which is shown only when it is created.</summary>
public sealed record ApiKeyInfo
{
    /// <summary>The key id.</summary>
    public required long Id { get; init; }
    /// <summary>What it is for.</summary>
    public required string Name { get; init; }
    /// <summary>The public start of the key (<c>jobs_{prefix}_...</c>), to recognise it.</summary>
    public required string Prefix { get; init; }
    /// <summary>What it may do.</summary>
    public required ApiKeyRole Role { get; init; }
    /// <summary>The kinds it may act on; null for any.</summary>
    public IReadOnlyList<string>? Kinds { get; init; }
    /// <summary>The queues it may act on; null for any.</summary>
    public IReadOnlyList<string>? Queues { get; init; }
    /// <summary>When it was made.</summary>
    public required DateTimeOffset CreatedAt { get; init; }
    /// <summary>Who made it.</summary>
    public required string CreatedBy { get; init; }
    /// <summary>When it was revoked; null while it works.</summary>
    public DateTimeOffset? RevokedAt { get; init; }
    /// <summary>When it was last used (to the minute).</summary>
    public DateTimeOffset? LastUsedAt { get; init; }

    /// <summary>True when the key may act on jobs of this kind in this queue.</summary>
    public bool Allows(string kind, string? queue) =>
        (Kinds is null || Kinds.Contains(kind, StringComparer.Ordinal)) &&
        (Queues is null || (queue is not null && Queues.Contains(queue, StringComparer.Ordinal)));
}

/// <summary>A new key: <see cref="Key"/> is its only appearance in clear.</summary>
/// <param name="Info">What was stored.</param>
/// <param name="Key">The key to hand to the application.</param>
public sealed record CreatedApiKey(ApiKeyInfo Info, string Key);
