using Hangfire.Storage;
using Npgsql;

namespace Jobs.Hangfire.Storage;

/// <summary>
/// Hangfire's distributed locks as PostgreSQL session advisory locks: each held lock keeps one pooled
/// connection open until it is released (or the process dies, which releases it with the session).
/// Hangfire's own state changes on this storage do not depend on them (the engine's statements are
/// atomic), but filters and extensions that take a lock for their own work get a real one.
/// Through a pooler in transaction mode (no session to hold a lock on) they need the engine's direct
/// connection string; without one, acquiring a lock fails saying so.
/// </summary>
internal sealed class DistributedLocks(NpgsqlDataSource? dataSource, string schema)
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);

    public IDisposable Acquire(string resource, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(resource);
        if (dataSource is null)
        {
            throw new InvalidOperationException(
                "Hangfire distributed locks are session advisory locks, and the jobs database is reached only through a pooler " +
                "in transaction mode (Jobs:Pooler=Transaction): set ConnectionStrings:JobsDirect to a direct connection.");
        }
        var connection = dataSource.OpenConnection();
        try
        {
            var deadline = DateTime.UtcNow + timeout;
            while (true)
            {
                using (var command = new NpgsqlCommand("select pg_try_advisory_lock(hashtext(@scope), hashtext(@resource))", connection))
                {
                    command.Parameters.AddWithValue("scope", schema + ".hangfire");
                    command.Parameters.AddWithValue("resource", resource);
                    if ((bool)command.ExecuteScalar()!)
                    {
                        return new Held(connection, schema, resource);
                    }
                }
                if (DateTime.UtcNow >= deadline)
                {
                    throw new DistributedLockTimeoutException(resource);
                }
                Thread.Sleep(Poll);
            }
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private sealed class Held(NpgsqlConnection connection, string schema, string resource) : IDisposable
    {
        private bool _released;

        public void Dispose()
        {
            if (_released)
            {
                return;
            }
            _released = true;
            try
            {
                using var command = new NpgsqlCommand("select pg_advisory_unlock(hashtext(@scope), hashtext(@resource))", connection);
                command.Parameters.AddWithValue("scope", schema + ".hangfire");
                command.Parameters.AddWithValue("resource", resource);
                command.ExecuteNonQuery();
            }
            finally
            {
                connection.Dispose();
            }
        }
    }
}
