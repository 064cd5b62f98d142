using System.Security.Cryptography;
using System.Text;
using Dapper;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Jobs.Engine.Storage;

/// <summary>
/// Applies a set of numbered SQL migrations (the engine's <c>Storage/Migrations</c>, or an
/// application's own) to a schema, recording them in that schema's <c>migration</c> table. Safe to
/// run from many processes at once: they queue on a session advisory lock, and each migration
/// commits with its history row, so a migration runs exactly once. Without a session (only a pooler
/// in transaction mode reaches the database) they queue on a transaction lock instead, and every
/// pending migration commits in that one transaction.
/// </summary>
/// <remarks>
/// A migration names its schema <c>{{schema}}</c>; one of a set run by <see cref="For"/> on another
/// schema may also name the engine's as <c>{{engine}}</c> (to adopt tables the engine's migrations made).
/// </remarks>
public sealed partial class Migrator(NpgsqlDataSource dataSource, string schema, MigrationSet migrations, ILogger<Migrator> logger, bool sessionLock = true,
    string? engineSchema = null)
{
    /// <summary>The engine's migrations, on the engine's database and schema.</summary>
    public Migrator(JobsDatabase database, ILogger<Migrator> logger)
        : this(database.SessionDataSource ?? database.DataSource, database.Schema, MigrationSet.Engine, logger, database.SessionDataSource is not null)
    {
    }

    /// <summary>A set of migrations on the engine's database (its direct connection when it has one) and another schema.</summary>
    public static Migrator For(JobsDatabase database, string schema, MigrationSet migrations, ILogger<Migrator> logger) =>
        new(database.SessionDataSource ?? database.DataSource, schema, migrations, logger, database.SessionDataSource is not null, database.Schema);

    /// <summary>The engine's migrations shipped with this version, in order.</summary>
    public static IReadOnlyList<Migration> All => MigrationSet.Engine.Migrations;

    private string LockKey => schema + ".migrate";

    private string CreateHistory => $"""
        create schema if not exists {schema};
        create table if not exists {schema}.migration (
            version    integer primary key,
            name       text        not null,
            checksum   text        not null,
            applied_at timestamptz not null default now());
        """;

    /// <summary>Applies every pending migration; returns how many ran.</summary>
    public async Task<int> MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (!sessionLock)
        {
            return await MigrateInOneTransactionAsync(connection, cancellationToken);
        }
        // A session lock (not a transaction lock) so it spans the per-migration transactions below.
        await connection.ExecuteAsync(new CommandDefinition(
            "select pg_advisory_lock(hashtext(@key))", new { key = LockKey }, cancellationToken: cancellationToken));
        try
        {
            await connection.ExecuteAsync(new CommandDefinition(CreateHistory, cancellationToken: cancellationToken));
            var applied = await AppliedAsync(connection, null, cancellationToken);
            var count = 0;
            foreach (var migration in Pending(applied))
            {
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await ApplyAsync(connection, transaction, migration, cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                LogApplied(logger, migration.Name, schema);
                count++;
            }
            return count;
        }
        finally
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "select pg_advisory_unlock(hashtext(@key))", new { key = LockKey }, cancellationToken: CancellationToken.None));
        }
    }

    // Through a pooler in transaction mode a session lock would stay with whichever server session ran
    // it (and the unlock could reach another): the lock and the work share one transaction instead.
    // Statements after the lock see what a process that held it before committed (read committed).
    private async Task<int> MigrateInOneTransactionAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "select pg_advisory_xact_lock(hashtext(@key))", new { key = LockKey }, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(CreateHistory, transaction: transaction, cancellationToken: cancellationToken));
        var applied = await AppliedAsync(connection, transaction, cancellationToken);
        var done = new List<Migration>();
        foreach (var migration in Pending(applied))
        {
            await ApplyAsync(connection, transaction, migration, cancellationToken);
            done.Add(migration);
        }
        await transaction.CommitAsync(cancellationToken);
        foreach (var migration in done)
        {
            LogApplied(logger, migration.Name, schema);
        }
        return done.Count;
    }

    private async Task<Dictionary<int, string>> AppliedAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken) =>
        (await connection.QueryAsync<(int Version, string Checksum)>(new CommandDefinition(
            $"select version, checksum from {schema}.migration", transaction: transaction, cancellationToken: cancellationToken)))
            .ToDictionary(r => r.Version, r => r.Checksum);

    private IEnumerable<Migration> Pending(Dictionary<int, string> applied)
    {
        foreach (var migration in migrations.Migrations)
        {
            if (!applied.TryGetValue(migration.Version, out var checksum))
            {
                yield return migration;
            }
            else if (checksum != migration.Checksum)
            {
                LogChangedMigration(logger, migration.Name, schema);
            }
        }
    }

    private async Task ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Migration migration, CancellationToken cancellationToken)
    {
        await using (var command = new NpgsqlCommand(migration.SqlFor(schema, engineSchema), connection, transaction))
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        await connection.ExecuteAsync(new CommandDefinition(
            $"insert into {schema}.migration (version, name, checksum) values (@Version, @Name, @Checksum)",
            migration, transaction, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// At start: applies pending migrations when <paramref name="migrate"/> is set, else throws unless
    /// another process did, naming <paramref name="setting"/> (the one that turns migrating on).
    /// </summary>
    public async Task MigrateOrCheckAsync(bool migrate, string setting, CancellationToken cancellationToken)
    {
        if (migrate)
        {
            await MigrateAsync(cancellationToken);
        }
        else if (!await IsCurrentAsync(cancellationToken))
        {
            throw new InvalidOperationException(
                $"Schema '{schema}' lacks {migrations.Name} migrations this version needs; run them ({setting}=true on one process) first.");
        }
    }

    /// <summary>The highest migration version applied to the schema, or 0 when none is.</summary>
    public async Task<int> CurrentVersionAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var exists = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "select to_regclass(@table) is not null", new { table = schema + ".migration" }, cancellationToken: cancellationToken));
        return exists
            ? await connection.ExecuteScalarAsync<int>(new CommandDefinition(
                $"select coalesce(max(version), 0) from {schema}.migration", cancellationToken: cancellationToken))
            : 0;
    }

    /// <summary>The newest migration of the set: what a current schema is at.</summary>
    public int LatestVersion => migrations.Migrations.Count == 0 ? 0 : migrations.Migrations[^1].Version;

    /// <summary>True when every migration of the set is applied.</summary>
    public async Task<bool> IsCurrentAsync(CancellationToken cancellationToken) =>
        await CurrentVersionAsync(cancellationToken) >= LatestVersion;

    /// <summary>Whether the schema is current, with a reason naming the schema and its migration.</summary>
    public async Task<(bool Ready, string Reason)> CheckAsync(CancellationToken cancellationToken)
    {
        var current = await CurrentVersionAsync(cancellationToken);
        return current >= LatestVersion
            ? (true, $"schema {schema} at migration {current}")
            : (false, $"schema {schema} at migration {current}, needs {LatestVersion}");
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Applied migration {Migration} to schema {Schema}")]
    private static partial void LogApplied(ILogger logger, string migration, string schema);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "Migration {Migration} in schema {Schema} was applied from a different text; it is not applied again")]
    private static partial void LogChangedMigration(ILogger logger, string migration, string schema);

    /// <summary>One numbered migration.</summary>
    /// <param name="Version">The number its file name starts with.</param>
    /// <param name="Name">The file name without extension.</param>
    /// <param name="Template">The SQL, with <c>{{schema}}</c> where the schema name goes.</param>
    /// <param name="Checksum">SHA-256 of the template, to notice a migration edited after release.</param>
    public sealed record Migration(int Version, string Name, string Template, string Checksum)
    {
        internal static Migration From(string name, string template)
        {
            var digits = new string(name.TakeWhile(char.IsAsciiDigit).ToArray());
            if (digits.Length == 0)
            {
                throw new InvalidOperationException($"Migration '{name}' must start with its version number.");
            }
            var checksum = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(template)));
            return new Migration(int.Parse(digits, System.Globalization.CultureInfo.InvariantCulture), name, template, checksum);
        }

        /// <summary>The SQL for a schema (and the engine's schema, for <c>{{engine}}</c>, when it is another).</summary>
        public string SqlFor(string schema, string? engineSchema = null) =>
            Template.Replace("{{schema}}", schema, StringComparison.Ordinal).Replace("{{engine}}", engineSchema ?? schema, StringComparison.Ordinal);
    }
}
