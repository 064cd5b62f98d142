using System.Globalization;
using Npgsql;

namespace Jobs.Backups;

/// <summary>
/// The database a backup dumps, from <see cref="BackupOptions.ConnectionString"/> or else the jobs
/// database. pg_dump gets it through libpq's environment (PGHOST, PGPORT, PGUSER, PGDATABASE,
/// PGPASSWORD, ...) of its own process only: nothing of it is on the command line, so <c>ps</c>
/// shows no password, and a database name can never be read as a connection string.
/// </summary>
internal sealed class BackupSource
{
    private readonly NpgsqlConnectionStringBuilder _builder;

    public BackupSource(string connectionString)
    {
        _builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (string.IsNullOrEmpty(_builder.Database))
        {
            throw new ArgumentException("The backup connection string names no database (Database=...).", nameof(connectionString));
        }
    }

    /// <summary>The database name.</summary>
    public string Database => _builder.Database!;

    /// <summary>What is backed up, for records and logs: <c>host:port/database</c>, no credentials.</summary>
    public string Name => $"{_builder.Host}:{_builder.Port}/{_builder.Database}";

    /// <summary>The password, to scrub from anything a child process prints.</summary>
    public string? Password => string.IsNullOrEmpty(_builder.Password) ? null : _builder.Password;

    /// <summary>The database name made safe for a file name.</summary>
    public string FileStem => new(Database.Select(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' ? c : '_').ToArray());

    /// <summary>A connection string for the check before pg_dump runs: no pool, a short wait.</summary>
    public string PreflightConnectionString => new NpgsqlConnectionStringBuilder(_builder.ConnectionString)
    {
        Pooling = false,
        ApplicationName = "jobs-backup",
    }.ConnectionString;

    /// <summary>The libpq environment of pg_dump.</summary>
    public IReadOnlyDictionary<string, string?> Environment()
    {
        var env = new Dictionary<string, string?>
        {
            ["PGHOST"] = _builder.Host,
            ["PGPORT"] = _builder.Port.ToString(CultureInfo.InvariantCulture),
            ["PGDATABASE"] = _builder.Database,
            ["PGUSER"] = _builder.Username ?? System.Environment.UserName,
            ["PGAPPNAME"] = "jobs-backup",
            ["PGCONNECT_TIMEOUT"] = Math.Max(_builder.Timeout, 2).ToString(CultureInfo.InvariantCulture),
            ["PGSSLMODE"] = _builder.SslMode switch
            {
                SslMode.Disable => "disable",
                SslMode.Allow => "allow",
                SslMode.Require => "require",
                SslMode.VerifyCA => "verify-ca",
                SslMode.VerifyFull => "verify-full",
                _ => "prefer",
            },
            // Only our connection's settings: none inherited from the worker's own environment.
            ["PGSERVICE"] = null,
            ["PGOPTIONS"] = null,
        };
        // Our password, or none: an inherited PGPASSWORD would log in as someone else's choice.
        env["PGPASSWORD"] = Password;
        return env;
    }

    /// <summary>Removes the password from text a child process printed, should it ever echo it.</summary>
    public string Scrub(string text) => Password is { } password ? text.Replace(password, "***", StringComparison.Ordinal) : text;
}
