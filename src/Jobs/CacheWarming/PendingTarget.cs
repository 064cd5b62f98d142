namespace Jobs.CacheWarming;

/// <summary>A target still to request in a run, with the validators of its last successful response.</summary>
internal sealed record PendingTarget(string Url, string? ETag, string? LastModified);
