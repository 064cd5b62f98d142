namespace Jobs.Inventory.Snapshots;

/// <summary>A snapshot being read: its stream and where it comes from (a URL or a file path).</summary>
internal sealed class OpenedSnapshot(Stream stream, string location, IDisposable? owner = null) : IAsyncDisposable
{
    public Stream Stream { get; } = stream;

    /// <summary>The URL or file path, recorded on the run.</summary>
    public string Location { get; } = location;

    public async ValueTask DisposeAsync()
    {
        await Stream.DisposeAsync();
        owner?.Dispose();
    }
}
