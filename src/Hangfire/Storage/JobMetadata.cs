using System.Text.Json;
using Jobs.Engine.Client;

namespace Jobs.Hangfire.Storage;

/// <summary>What the engine's metadata of a job says about where it came from.</summary>
internal static class JobMetadata
{
    /// <summary>The key under which the Hangfire display name (<c>[JobDisplayName]</c>) is kept.</summary>
    public const string DisplayName = "display_name";

    /// <summary>The schedule that fired or triggered the job (the engine's <c>schedule</c> metadata).</summary>
    public static string? Schedule(JobInfo job) => Read(job, "schedule");

    public static string? Read(JobInfo job, string key)
    {
        if (job.MetadataJson is null)
        {
            return null;
        }
        using var document = JsonDocument.Parse(job.MetadataJson);
        return document.RootElement.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
    }
}
