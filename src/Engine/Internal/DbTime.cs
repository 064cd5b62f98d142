namespace Jobs.Engine;

/// <summary>PostgreSQL <c>timestamptz</c> values read as <see cref="DateTime"/> are UTC; these make that explicit.</summary>
internal static class DbTime
{
    public static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));

    public static DateTimeOffset? Utc(DateTime? value) => value is { } v ? Utc(v) : null;
}
