using System.ComponentModel.DataAnnotations;

namespace Jobs.Engine;

/// <summary>Where the engine keeps its tables. Bound from the <c>Jobs</c> configuration section.</summary>
public sealed class JobsOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Jobs";

    /// <summary>The name of the connection string, read from <c>ConnectionStrings:{name}</c>. The default value is <c>Jobs</c>.</summary>
    [Required]
    public string ConnectionStringName { get; set; } = "Jobs";

    /// <summary>
    /// The connection string itself; when set it wins over <see cref="ConnectionStringName"/>.
    /// The default value is none.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// The PostgreSQL schema holding the engine's tables and functions: lower-case letters,
    /// digits and underscores. The default value is <c>jobs</c>.
    /// </summary>
    [Required]
    [RegularExpression("^[a-z_][a-z0-9_]{0,39}$", ErrorMessage = "Jobs:Schema must be 1 to 40 lower-case letters, digits or underscores, not starting with a digit.")]
    public string Schema { get; set; } = "jobs";

    /// <summary>Apply pending migrations when the process starts. The default value is true.</summary>
    public bool MigrateOnStart { get; set; } = true;
}
