using System.Globalization;

namespace Jobs.Hangfire.Storage;

/// <summary>Hangfire's job ids are strings; on this storage they are engine job ids.</summary>
internal static class HangfireIds
{
    public static long? TryParse(string? id) =>
        long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0 ? value : null;

    public static long Parse(string? id) =>
        TryParse(id) ?? throw new ArgumentException($"'{id}' is not a job id of the Jobs storage (a positive whole number).", nameof(id));

    public static string Format(long id) => id.ToString(CultureInfo.InvariantCulture);
}
