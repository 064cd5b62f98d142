using Npgsql;

namespace Jobs.Testing;

/// <summary>
/// The PostgreSQL the tests run against, from the one environment variable the scripts set:
/// <c>ConnectionStrings__Jobs</c>. Every test gets its own schema (see <see cref="TestSchema"/>).
/// </summary>
public static class TestDatabase
{
    private static readonly Lazy<NpgsqlDataSource> Shared = new(() => NpgsqlDataSource.Create(ConnectionString));

    public static string ConnectionString =>
        Environment.GetEnvironmentVariable("ConnectionStrings__Jobs") is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                "Tests need PostgreSQL: set ConnectionStrings__Jobs, or run scripts/test.sh, which starts one.");

    /// <summary>A pool for the tests' own checks (not the engine's).</summary>
    public static NpgsqlDataSource DataSource => Shared.Value;
}
