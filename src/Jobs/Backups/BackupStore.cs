using Dapper;
using Jobs.Storage;
using Npgsql;

namespace Jobs.Backups;

/// <summary>
/// The backup records, and the lock that makes backups of one business schema run one at a
/// time. The lock is a session lock on a connection the run holds open: it is released when the
/// run ends, and by PostgreSQL if the worker dies.
/// </summary>
internal sealed class BackupStore(AppDatabase database)
{
    private readonly BackupSql _sql = new(database.Schema);

    private string LockKey => database.Schema + ".backup";

    /// <summary>Takes the backup lock on a connection of its own; null when another run holds it.</summary>
    public async Task<NpgsqlConnection?> TryLockAsync(CancellationToken ct)
    {
        // A session lock through a pooler in transaction mode would stay with a server session other
        // clients then use, and the unlock could reach another one: it needs the direct connection.
        var dataSource = database.Engine.SessionDataSource ?? throw new Jobs.Engine.Handlers.PermanentJobFailureException(
            "backup.run holds a session lock, and the jobs database is reached only through a pooler in transaction mode " +
            "(Jobs:Pooler=Transaction): set ConnectionStrings:JobsDirect to a direct connection.");
        var connection = await dataSource.OpenConnectionAsync(ct);
        try
        {
            if (await connection.ExecuteScalarAsync<bool>(new CommandDefinition(_sql.TryLock, new { Key = LockKey }, cancellationToken: ct)))
            {
                return connection;
            }
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
        await connection.DisposeAsync();
        return null;
    }

    public async Task UnlockAsync(NpgsqlConnection connection)
    {
        try
        {
            await connection.ExecuteAsync(new CommandDefinition(_sql.Unlock, new { Key = LockKey }, cancellationToken: CancellationToken.None));
        }
        finally
        {
            await connection.DisposeAsync();
        }
    }

    public async Task<IReadOnlyList<StaleBackup>> AbandonStaleAsync(NpgsqlConnection connection, CancellationToken ct) =>
        (await connection.QueryAsync<StaleBackup>(new CommandDefinition(_sql.AbandonStale, cancellationToken: ct))).AsList();

    public Task<ExistingBackup?> ExistingAsync(NpgsqlConnection connection, string source, DateTimeOffset slot, CancellationToken ct) =>
        connection.QuerySingleOrDefaultAsync<ExistingBackup>(new CommandDefinition(_sql.Existing, new { Source = source, Slot = slot }, cancellationToken: ct));

    public Task<long> StartAsync(NpgsqlConnection connection, string source, DateTimeOffset slot, string directory, string fileName,
        string tempName, long jobId, int attempt, CancellationToken ct) =>
        connection.ExecuteScalarAsync<long>(new CommandDefinition(_sql.Start, new
        {
            Source = source,
            Slot = slot,
            Directory = directory,
            FileName = fileName,
            TempName = tempName,
            JobId = jobId,
            Attempt = attempt,
        }, cancellationToken: ct));

    public Task SucceedAsync(NpgsqlConnection connection, long id, WrittenBackup written, double durationMs, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(_sql.Succeed,
            new { Id = id, written.SizeBytes, written.Sha256, DurationMs = durationMs }, cancellationToken: ct));

    public Task FailAsync(NpgsqlConnection connection, long id, string error, double durationMs, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(_sql.Fail, new { Id = id, Error = error, DurationMs = durationMs }, cancellationToken: ct));

    public async Task<IReadOnlyList<ExpiringBackup>> ExpiringAsync(NpgsqlConnection connection, string source, int keepLast, CancellationToken ct) =>
        (await connection.QueryAsync<ExpiringBackup>(new CommandDefinition(_sql.Expiring, new { Source = source, KeepLast = keepLast }, cancellationToken: ct))).AsList();

    public Task ExpireAsync(NpgsqlConnection connection, IReadOnlyCollection<long> ids, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(_sql.Expire, new { Ids = ids.ToArray() }, cancellationToken: ct));
}
