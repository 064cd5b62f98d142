namespace Jobs.Webhooks;

/// <summary>A webhook endpoint as operators see it (its secrets are never read back).</summary>
public sealed record WebhookEndpoint
{
    /// <summary>The endpoint id (also the partition key of its deliveries).</summary>
    public required long Id { get; init; }

    /// <summary>Where deliveries are POSTed.</summary>
    public required string Url { get; init; }

    /// <summary>Free text for operators.</summary>
    public string Description { get; init; } = "";

    /// <summary>The event types it receives; null for every type.</summary>
    public IReadOnlyList<string>? EventTypes { get; init; }

    /// <summary>False once disabled (410 Gone, failing too long, or by an operator): nothing is sent until enabled.</summary>
    public required bool Enabled { get; init; }

    /// <summary>Why it was disabled.</summary>
    public string? DisabledReason { get; init; }

    /// <summary>When it was disabled.</summary>
    public DateTimeOffset? DisabledAt { get; init; }

    /// <summary>When its current run of failed attempts began; null while deliveries succeed.</summary>
    public DateTimeOffset? FailingSince { get; init; }

    /// <summary>Until when the secret before the last rotation is still signed with; null when there is none.</summary>
    public DateTimeOffset? PreviousSecretExpiresAt { get; init; }

    /// <summary>When it was created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }
}
