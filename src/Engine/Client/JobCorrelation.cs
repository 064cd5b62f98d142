namespace Jobs.Engine.Client;

/// <summary>
/// The correlation id of the current flow of work. Set by the dashboard for each request and by
/// the server for each job; jobs enqueued while it is set carry it unless their options name
/// another.
/// </summary>
public static class JobCorrelation
{
    private static readonly AsyncLocal<string?> Current = new();

    /// <summary>The current correlation id, if any.</summary>
    public static string? CurrentId
    {
        get => Current.Value;
        set => Current.Value = value;
    }
}
