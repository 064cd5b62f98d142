using System.ComponentModel.DataAnnotations;

namespace Jobs;

/// <summary>
/// Where the business jobs keep their own tables (payment ledger, stock, webhook endpoints, cache
/// results, backup records): a schema of their own beside the engine's, in the same database.
/// Bound from <c>App</c>.
/// </summary>
public sealed class AppOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "App";

    /// <summary>The schema of the business tables. The default value is <c>app</c>.</summary>
    [Required]
    [RegularExpression("^[a-z_][a-z0-9_]{0,39}$", ErrorMessage = "App:Schema must be 1 to 40 lower-case letters, digits or underscores, not starting with a digit.")]
    public string Schema { get; set; } = "app";

    /// <summary>Apply the business migrations when the process starts. The default value is true.</summary>
    public bool MigrateOnStart { get; set; } = true;
}
