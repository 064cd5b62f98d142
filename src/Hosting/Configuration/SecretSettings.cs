using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;

namespace Jobs.Hosting.Configuration;

/// <summary>
/// Settings that hold secrets must not come from a settings file that is committed and shipped
/// with the application (<c>appsettings*.json</c>): only from the environment, a secrets file
/// (<see cref="SecretFiles"/>) or the command line. Checked at start, naming the key and where to put it.
/// </summary>
public static class SecretSettings
{
    /// <summary>The keys holding secrets, with how to tell that a value is one.</summary>
    public static readonly IReadOnlyList<(string Key, Func<string, bool> IsSecret)> Keys =
    [
        ("App:Webhooks:SecretKey", _ => true),
        ("App:Payments:ApiKey", _ => true),
        // A connection string is a secret when it carries a password.
        ("ConnectionStrings:Jobs", value => value.Contains("password", StringComparison.OrdinalIgnoreCase)),
        ("Jobs:ConnectionString", value => value.Contains("password", StringComparison.OrdinalIgnoreCase)),
        ("ConnectionStrings:JobsDirect", value => value.Contains("password", StringComparison.OrdinalIgnoreCase)),
        ("ConnectionStrings:JobsReadOnly", value => value.Contains("password", StringComparison.OrdinalIgnoreCase)),
        ("App:Backups:ConnectionString", value => value.Contains("password", StringComparison.OrdinalIgnoreCase)),
    ];

    /// <summary>The problems found: one message per secret read from a settings file.</summary>
    public static IReadOnlyList<string> Check(IConfiguration configuration)
    {
        if (configuration is not IConfigurationRoot root)
        {
            return [];
        }
        var problems = new List<string>();
        foreach (var (key, isSecret) in Keys)
        {
            // The provider that wins is the last one holding the key.
            var source = root.Providers.Reverse().FirstOrDefault(p => p.TryGet(key, out _));
            if (source is JsonConfigurationProvider json && source.TryGet(key, out var value) && !string.IsNullOrEmpty(value) && isSecret(value))
            {
                problems.Add($"{key} is a secret and is set in {json.Source.Path}: set it in the environment " +
                    $"({key.Replace(":", "__", StringComparison.Ordinal)}) or a file under {SecretFiles.DirectoryVariable} instead, and remove it from the file.");
            }
        }
        return problems;
    }
}
