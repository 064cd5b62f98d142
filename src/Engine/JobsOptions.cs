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

    /// <summary>
    /// What stands between the engine and PostgreSQL on <see cref="ConnectionStringName"/>: <c>None</c> (a
    /// direct connection), <c>Session</c> or <c>Transaction</c> (PgBouncer or another pooler in that pool
    /// mode). Through a pooler the engine sends no <c>options</c> startup parameter (so no
    /// <c>-c jit=off</c>: set it for the role instead); in transaction mode it also prepares no
    /// statements (unless the connection string sets <c>Max Auto Prepare</c>), and holds its LISTEN
    /// connection and the migration lock on <see cref="DirectConnectionStringName"/>, or without one
    /// finds jobs by polling and migrates under a transaction lock. The default value is <c>None</c>.
    /// </summary>
    public JobsPooler Pooler { get; set; } = JobsPooler.None;

    /// <summary>
    /// The name of the connection string that reaches PostgreSQL directly (not through a pooler in
    /// transaction mode), read from <c>ConnectionStrings:{name}</c>: the LISTEN connection, the migration
    /// lock and other session locks use it when it is set. The default value is <c>JobsDirect</c>.
    /// </summary>
    [Required]
    public string DirectConnectionStringName { get; set; } = "JobsDirect";

    /// <summary>
    /// The name of an optional connection string to a read-only copy of the database (a streaming
    /// replica), read from <c>ConnectionStrings:{name}</c>: the dashboard's lists and overview, and the
    /// API's reads of many jobs, read from it; every action still goes to <see cref="ConnectionStringName"/>.
    /// The default value is <c>JobsReadOnly</c>.
    /// </summary>
    [Required]
    public string ReadOnlyConnectionStringName { get; set; } = "JobsReadOnly";

    /// <summary>Apply pending migrations when the process starts. The default value is true.</summary>
    public bool MigrateOnStart { get; set; } = true;
}
