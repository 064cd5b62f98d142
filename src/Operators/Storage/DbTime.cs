namespace Jobs.Operators.Storage;

/// <summary>PostgreSQL <c>timestamptz</c> values read as <see cref="DateTime"/> are UTC; these say so.</summary>
internal static class DbTime
{
    public static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));

    public static DateTimeOffset? Utc(DateTime? value) => value is { } v ? Utc(v) : null;
}
