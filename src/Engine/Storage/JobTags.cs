namespace Jobs.Engine.Storage;

/// <summary>A job's <c>tags</c> column as read: an array the engine writes without nulls, but SQL may leave some in.</summary>
internal static class JobTags
{
    public static IReadOnlyList<string> Read(string[]? tags) =>
        tags is null ? [] : Array.IndexOf(tags, null!) < 0 ? tags : tags.Where(t => t is not null).ToArray();
}
