namespace Jobs.CacheWarming;

/// <summary>Which strings are targets: absolute http(s) URLs, nothing else (no file:, no relative paths).</summary>
internal static class TargetUrl
{
    public static bool TryParse(string? text, out Uri uri)
    {
        if (Uri.TryCreate(text, UriKind.Absolute, out var parsed) && (parsed.Scheme == Uri.UriSchemeHttp || parsed.Scheme == Uri.UriSchemeHttps))
        {
            uri = parsed;
            return true;
        }
        uri = null!;
        return false;
    }
}
