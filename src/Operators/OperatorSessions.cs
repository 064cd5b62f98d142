using System.Security.Cryptography;
using System.Text;
using Dapper;
using Jobs.Engine;
using Jobs.Operators.Storage;

namespace Jobs.Operators;

/// <summary>
/// Operator sessions on the server. A session is named by a random token that the host hands to the
/// browser (inside its protected cookie); only the token's SHA-256 is stored. A session ends when
/// the operator signs out, when the account is disabled or its password changed
/// (<see cref="OperatorAccounts"/>), or when it goes unused for longer than the host's idle limit.
/// </summary>
public sealed class OperatorSessions(OperatorsDatabase database, TimeProvider time)
{
    /// <summary>How often a session's last use is written: not at every request.</summary>
    private static readonly TimeSpan TouchInterval = TimeSpan.FromMinutes(1);

    /// <summary>Starts a session of the account and returns its token (256 random bits, base64url).</summary>
    public async Task<string> StartAsync(long operatorId, CancellationToken cancellationToken = default)
    {
        var token = System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteScalarAsync<long>(new CommandDefinition(database.Sql.StartOperatorSession,
            new { @operator = operatorId, hash = Hash(token), now = time.GetUtcNow() }, cancellationToken: cancellationToken));
        return token;
    }

    /// <summary>
    /// The open session of <paramref name="token"/>; null when it is unknown, ended, or unused for
    /// longer than <paramref name="idleLimit"/>. One indexed read; its last use is written at most
    /// once a minute.
    /// </summary>
    public async Task<OperatorSessionInfo?> FindAsync(string token, TimeSpan idleLimit, CancellationToken cancellationToken = default)
    {
        if (token.Length is 0 or > 100)
        {
            return null;
        }
        var now = time.GetUtcNow();
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        var sessions = await connection.QueryAsync<SessionRow, OperatorAccounts.Row, OperatorSessionInfo>(
            new CommandDefinition(database.Sql.FindOperatorSession, new { hash = Hash(token), now, idle_ms = (long)idleLimit.TotalMilliseconds },
                cancellationToken: cancellationToken),
            (session, account) => new OperatorSessionInfo
            {
                Id = session.SessionId,
                Account = account.ToAccount(),
                CreatedAt = DbTime.Utc(session.SessionCreatedAt),
                LastSeenAt = DbTime.Utc(session.LastSeenAt),
            },
            splitOn: "id");
        var found = sessions.SingleOrDefault();
        if (found is not null && now - found.LastSeenAt >= TouchInterval)
        {
            await connection.ExecuteAsync(new CommandDefinition(database.Sql.TouchOperatorSession, new { id = found.Id, now },
                cancellationToken: cancellationToken));
        }
        return found;
    }

    /// <summary>Ends the session of <paramref name="token"/> (sign-out); false when it was not open.</summary>
    public async Task<bool> EndAsync(string token, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(database.Sql.EndOperatorSession,
            new { hash = Hash(token), now = time.GetUtcNow() }, cancellationToken: cancellationToken)) == 1;
    }

    // The token is 256 random bits: a fast hash is enough, as for API keys.
    private static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    private sealed class SessionRow
    {
        public long SessionId { get; init; }
        public DateTime SessionCreatedAt { get; init; }
        public DateTime LastSeenAt { get; init; }
    }
}
