namespace Jobs.Hosting.Health;

/// <summary>
/// <c>health &lt;url&gt;</c>: asks a running host whether it is ready and exits 0 (ready) or 1, for
/// container health checks in images without a shell or curl.
/// </summary>
public static class HealthProbe
{
    /// <summary>Runs the probe when <paramref name="args"/> asks for it; returns its exit code, or null otherwise.</summary>
    public static async Task<int?> TryRunAsync(string[] args, string defaultUrl)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args is not ["health", ..])
        {
            return null;
        }
        var url = args.Length > 1 ? args[1] : defaultUrl;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            using var response = await http.GetAsync(new Uri(url));
            await Console.Out.WriteLineAsync($"{url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or UriFormatException)
        {
            await Console.Error.WriteLineAsync($"{url}: {e.Message}");
            return 1;
        }
    }
}
