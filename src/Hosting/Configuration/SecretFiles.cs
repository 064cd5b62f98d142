using Microsoft.Extensions.Configuration;

namespace Jobs.Hosting.Configuration;

/// <summary>
/// Secrets from files, as container platforms mount them (Docker and Kubernetes secrets): every
/// file in the directory named by <c>JOBS_SECRETS_DIR</c> is one setting, its name the key with
/// <c>__</c> for <c>:</c> (<c>App__Webhooks__SecretKey</c>), its content (trimmed) the value.
/// Added after the environment, so a file wins over a variable of the same name.
/// </summary>
public static class SecretFiles
{
    /// <summary>The environment variable naming the directory.</summary>
    public const string DirectoryVariable = "JOBS_SECRETS_DIR";

    /// <summary>Adds the directory's files when the variable names one; a named directory that does not exist fails start.</summary>
    public static IConfigurationBuilder AddSecretFiles(this IConfigurationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (Environment.GetEnvironmentVariable(DirectoryVariable) is not { Length: > 0 } directory)
        {
            return builder;
        }
        if (!Directory.Exists(directory))
        {
            throw new InvalidOperationException($"{DirectoryVariable} names '{directory}', which is not a directory.");
        }
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var file in Directory.EnumerateFiles(directory))
        {
            var name = Path.GetFileName(file);
            // Kubernetes mounts secrets through hidden ..data links; only the visible names are settings.
            if (name.StartsWith('.'))
            {
                continue;
            }
            values[name.Replace("__", ":", StringComparison.Ordinal)] = File.ReadAllText(file).Trim();
        }
        return builder.AddInMemoryCollection(values);
    }
}
