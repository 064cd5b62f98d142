using Dapper;
using Jobs.Engine;
using Jobs.Operators.Storage;
using Npgsql;

namespace Jobs.Operators;

/// <summary>
/// Operator accounts: storage only. Passwords are hashed and checked by the host (this library never
/// sees one); it keeps the hash, the role, and the failed-login count that locks an account.
/// </summary>
public sealed class OperatorAccounts(OperatorsDatabase database)
{
    /// <summary>Finds an account by login name.</summary>
    public Task<OperatorAccount?> FindAsync(string username, CancellationToken cancellationToken = default) =>
        QueryOneAsync(database.Sql.FindOperator, new { username }, cancellationToken);

    /// <summary>Finds an account by id.</summary>
    public Task<OperatorAccount?> GetAsync(long id, CancellationToken cancellationToken = default) =>
        QueryOneAsync(database.Sql.GetOperator, new { id }, cancellationToken);

    /// <summary>Every account, by name.</summary>
    public async Task<IReadOnlyList<OperatorAccount>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<Row>(new CommandDefinition(database.Sql.ListOperators, cancellationToken: cancellationToken)))
            .Select(r => r.ToAccount()).ToList();
    }

    /// <summary>Creates an account; throws <see cref="ArgumentException"/> for an invalid or taken name.</summary>
    public async Task<long> CreateAsync(string username, string passwordHash, OperatorRole role, string createdBy, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(username) || username.Length > 64 || !username.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '@' or '-'))
        {
            throw new ArgumentException($"Username '{username}' must be 1 to 64 letters, digits or _ . @ -.", nameof(username));
        }
        ArgumentException.ThrowIfNullOrEmpty(passwordHash);
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            return await connection.ExecuteScalarAsync<long>(new CommandDefinition(database.Sql.CreateOperator,
                new { username, hash = passwordHash, role = Name(role), by = createdBy }, cancellationToken: cancellationToken));
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw new ArgumentException($"An operator named '{username}' already exists.", nameof(username), e);
        }
    }

    /// <summary>Changes what an operator may do.</summary>
    public Task<bool> SetRoleAsync(long id, OperatorRole role, CancellationToken cancellationToken = default) =>
        ExecuteAsync(database.Sql.SetOperatorRole, new { id, role = Name(role) }, cancellationToken);

    /// <summary>Replaces the password hash, lifts any lock, and ends the account's sessions (<see cref="OperatorSessions"/>).</summary>
    public Task<bool> SetPasswordAsync(long id, string passwordHash, CancellationToken cancellationToken = default) =>
        ExecuteAsync(database.Sql.SetOperatorPassword, new { id, hash = passwordHash }, cancellationToken);

    /// <summary>Stores the same password in a newer hash format (at sign-in); sessions stay.</summary>
    public Task<bool> RehashPasswordAsync(long id, string passwordHash, CancellationToken cancellationToken = default) =>
        ExecuteAsync(database.Sql.RehashOperatorPassword, new { id, hash = passwordHash }, cancellationToken);

    /// <summary>Disables (ending the account's sessions) or re-enables an account.</summary>
    public Task<bool> SetDisabledAsync(long id, bool disabled, CancellationToken cancellationToken = default) =>
        ExecuteAsync(database.Sql.SetOperatorDisabled, new { id, disabled }, cancellationToken);

    /// <summary>Records a successful login: the failure count starts again.</summary>
    public Task RecordLoginAsync(long id, CancellationToken cancellationToken = default) =>
        ExecuteAsync(database.Sql.OperatorLoggedIn, new { id }, cancellationToken);

    /// <summary>
    /// Records a failed login. The <paramref name="maxFailures"/>th in a row locks the account for
    /// <paramref name="lockout"/>; returns when the lock ends, or null when the account is not locked.
    /// </summary>
    public async Task<DateTimeOffset?> RecordFailedLoginAsync(long id, int maxFailures, TimeSpan lockout, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        var lockedUntil = await connection.ExecuteScalarAsync<DateTime?>(new CommandDefinition(database.Sql.OperatorLoginFailed,
            new { id, max = maxFailures, lockout_ms = (long)lockout.TotalMilliseconds }, cancellationToken: cancellationToken));
        return DbTime.Utc(lockedUntil);
    }

    private async Task<OperatorAccount?> QueryOneAsync(string sql, object parameters, CancellationToken cancellationToken)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken)))?.ToAccount();
    }

    private async Task<bool> ExecuteAsync(string sql, object parameters, CancellationToken cancellationToken)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken)) == 1;
    }

    internal static string Name(OperatorRole role) => role.ToString().ToLowerInvariant();

    internal sealed class Row
    {
        public long Id { get; init; }
        public string Username { get; init; } = "";
        public string PasswordHash { get; init; } = "";
        public string Role { get; init; } = "viewer";
        public DateTime CreatedAt { get; init; }
        public string CreatedBy { get; init; } = "";
        public DateTime? DisabledAt { get; init; }
        public int FailedLogins { get; init; }
        public DateTime? LockedUntil { get; init; }
        public DateTime? LastLoginAt { get; init; }

        public OperatorAccount ToAccount() => new()
        {
            Id = Id,
            Username = Username,
            PasswordHash = PasswordHash,
            Role = Enum.Parse<OperatorRole>(Role, ignoreCase: true),
            CreatedAt = DbTime.Utc(CreatedAt),
            CreatedBy = CreatedBy,
            DisabledAt = DbTime.Utc(DisabledAt),
            FailedLogins = FailedLogins,
            LockedUntil = DbTime.Utc(LockedUntil),
            LastLoginAt = DbTime.Utc(LastLoginAt),
        };
    }
}
