using System.Security.Cryptography;
using System.Text;
using Dapper;
using Jobs.Engine;
using Jobs.Operators.Storage;

namespace Jobs.Operators;

/// <summary>
/// API keys for applications that use the HTTP API. A key reads <c>jobs_{prefix}_{secret}</c>: the
/// prefix finds it, and only the SHA-256 of the whole key is stored, compared in constant time. The
/// key is returned once, by <see cref="CreateAsync"/>.
/// </summary>
public sealed class ApiKeys(OperatorsDatabase database)
{
    private const string Scheme = "jobs_";

    /// <summary>Makes a key scoped to kinds and queues (null: any).</summary>
    public async Task<CreatedApiKey> CreateAsync(string name, ApiKeyRole role, IReadOnlyList<string>? kinds, IReadOnlyList<string>? queues,
        string createdBy, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > 200)
        {
            throw new ArgumentException("An API key needs a name of 1 to 200 characters.", nameof(name));
        }
        if (queues?.FirstOrDefault(q => !QueueNames.IsValid(q)) is { } badQueue)
        {
            throw new ArgumentException($"'{badQueue}' is not a valid queue name.", nameof(queues));
        }
        var prefix = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var key = $"{Scheme}{prefix}_{secret}";
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(database.Sql.CreateApiKey, new
        {
            name,
            prefix,
            hash = Hash(key),
            role = role.ToString().ToLowerInvariant(),
            kinds = kinds?.ToArray(),
            queues = queues?.ToArray(),
            by = createdBy,
        }, cancellationToken: cancellationToken));
        var info = (await FindByPrefixAsync(prefix, cancellationToken))!;
        return new CreatedApiKey(info with { Id = id }, key);
    }

    /// <summary>The key's record when the presented key is valid and not revoked; null otherwise.</summary>
    public async Task<ApiKeyInfo?> AuthenticateAsync(string presented, CancellationToken cancellationToken = default)
    {
        if (!presented.StartsWith(Scheme, StringComparison.Ordinal) || presented.Length > 200)
        {
            return null;
        }
        var separator = presented.IndexOf('_', Scheme.Length);
        if (separator < 0)
        {
            return null;
        }
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(database.Sql.FindApiKey,
            new { prefix = presented[Scheme.Length..separator] }, cancellationToken: cancellationToken));
        if (row is null || !CryptographicOperations.FixedTimeEquals(row.KeyHash, Hash(presented)) || row.RevokedAt is not null)
        {
            return null;
        }
        await connection.ExecuteAsync(new CommandDefinition(database.Sql.ApiKeyUsed, new { id = row.Id }, cancellationToken: cancellationToken));
        return row.ToInfo();
    }

    /// <summary>Every key, newest first.</summary>
    public async Task<IReadOnlyList<ApiKeyInfo>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<Row>(new CommandDefinition(database.Sql.ListApiKeys, cancellationToken: cancellationToken)))
            .Select(r => r.ToInfo()).ToList();
    }

    /// <summary>Revokes a key at once; false when there is no such key or it was revoked already.</summary>
    public async Task<bool> RevokeAsync(long id, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(database.Sql.RevokeApiKey, new { id }, cancellationToken: cancellationToken)) == 1;
    }

    private async Task<ApiKeyInfo?> FindByPrefixAsync(string prefix, CancellationToken cancellationToken)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(database.Sql.FindApiKey, new { prefix },
            cancellationToken: cancellationToken)))?.ToInfo();
    }

    private static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    private sealed class Row
    {
        public long Id { get; init; }
        public string Name { get; init; } = "";
        public string Prefix { get; init; } = "";
        public byte[] KeyHash { get; init; } = [];
        public string Role { get; init; } = "producer";
        public string[]? Kinds { get; init; }
        public string[]? Queues { get; init; }
        public DateTime CreatedAt { get; init; }
        public string CreatedBy { get; init; } = "";
        public DateTime? RevokedAt { get; init; }
        public DateTime? LastUsedAt { get; init; }

        public ApiKeyInfo ToInfo() => new()
        {
            Id = Id,
            Name = Name,
            Prefix = Prefix,
            Role = Enum.Parse<ApiKeyRole>(Role, ignoreCase: true),
            Kinds = Kinds,
            Queues = Queues,
            CreatedAt = DbTime.Utc(CreatedAt),
            CreatedBy = CreatedBy,
            RevokedAt = DbTime.Utc(RevokedAt),
            LastUsedAt = DbTime.Utc(LastUsedAt),
        };
    }
}
