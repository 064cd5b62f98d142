using Dapper;
using Jobs.Engine.States;
using Jobs.Engine.Storage;

namespace Jobs.Engine.Monitoring;

/// <summary>
/// Read-only views of the engine for dashboards and health checks. Hosts read the engine through
/// this class and hold no SQL of their own.
/// </summary>
public sealed class JobsMonitor(JobsDatabase database, Migrator migrator)
{
    /// <summary>Jobs per state.</summary>
    public async Task<IReadOnlyDictionary<JobState, long>> CountByStateAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string State, long Count)>(new CommandDefinition(
            database.Sql.CountByState, cancellationToken: cancellationToken));
        var counts = Enum.GetValues<JobState>().ToDictionary(s => s, _ => 0L);
        foreach (var (state, count) in rows)
        {
            counts[JobStates.Parse(state)] = count;
        }
        return counts;
    }

    /// <summary>The servers that heartbeat now, with their queues and how busy they are.</summary>
    public async Task<IReadOnlyList<ServerInfo>> ServersAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<ServerInfo>(new CommandDefinition(database.Sql.Servers, cancellationToken: cancellationToken))).ToList();
    }

    /// <summary>True when the database answers and its schema is at the version this build needs.</summary>
    public async Task<(bool Ready, string Reason)> CheckReadyAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            var current = await migrator.CurrentVersionAsync(cancellationToken);
            var expected = Migrator.All[^1].Version;
            return current >= expected
                ? (true, $"schema {database.Schema} at migration {current}")
                : (false, $"schema {database.Schema} at migration {current}, needs {expected}");
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or TimeoutException or InvalidOperationException)
        {
            return (false, $"database unreachable: {e.Message}");
        }
    }
}

/// <summary>A server as its heartbeat row shows it.</summary>
public sealed record ServerInfo
{
    /// <summary>The server id.</summary>
    public required string Id { get; init; }
    /// <summary>Its machine.</summary>
    public required string Host { get; init; }
    /// <summary>The engine version it runs.</summary>
    public string? Version { get; init; }
    /// <summary>Its queues and worker counts, as JSON.</summary>
    public required string Queues { get; init; }
    /// <summary>When it started.</summary>
    public required DateTime StartedAt { get; init; }
    /// <summary>Its latest heartbeat.</summary>
    public required DateTime HeartbeatAt { get; init; }
    /// <summary>Workers it has.</summary>
    public required int Workers { get; init; }
    /// <summary>Jobs it was running at its latest heartbeat.</summary>
    public required int Busy { get; init; }
    /// <summary>True while it drains for shutdown.</summary>
    public required bool Stopping { get; init; }
}
