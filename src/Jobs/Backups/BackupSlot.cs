namespace Jobs.Backups;

/// <summary>Slots: fixed-length spans of UTC time aligned to the Unix epoch (days start at 00:00 UTC).</summary>
internal static class BackupSlot
{
    public static DateTimeOffset StartOf(DateTimeOffset now, TimeSpan length)
    {
        var sinceEpoch = now.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        return new DateTimeOffset(now.UtcTicks - sinceEpoch % length.Ticks, TimeSpan.Zero);
    }

    /// <summary>The slot as it appears in file names: <c>20240501T000000Z</c>.</summary>
    public static string Label(DateTimeOffset slot) => slot.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
