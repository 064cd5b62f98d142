using Dapper;
using Jobs.Storage;
using Npgsql;

namespace Jobs.Webhooks;

/// <summary>Runs the webhook job's SQL (<see cref="WebhookSql"/>) on the business schema.</summary>
internal sealed partial class WebhookStore(AppDatabase database)
{
    private readonly WebhookSql _sql = new(database.Schema);

    public NpgsqlDataSource DataSource => database.DataSource;

    public async Task<long> InsertEndpointAsync(string url, string description, string[]? eventTypes, byte[] secret, CancellationToken cancellationToken)
    {
        await using var connection = await DataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(_sql.InsertEndpoint,
            new { url, description, eventTypes, secret }, cancellationToken: cancellationToken));
    }

    public async Task<WebhookEndpoint?> GetEndpointAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await DataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QuerySingleOrDefaultAsync<EndpointRow>(new CommandDefinition(_sql.GetEndpoint, new { id }, cancellationToken: cancellationToken)))
            ?.ToEndpoint();
    }

    public async Task<IReadOnlyList<WebhookEndpoint>> ListEndpointsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await DataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<EndpointRow>(new CommandDefinition(_sql.ListEndpoints, cancellationToken: cancellationToken)))
            .Select(r => r.ToEndpoint()).ToList();
    }

    public Task<bool> RotateSecretAsync(long id, byte[] secret, DateTimeOffset expiresAt, CancellationToken cancellationToken) =>
        ExecuteOneAsync(_sql.RotateSecret, new { id, secret, expiresAt }, cancellationToken);

    public Task<bool> DisableAsync(long id, string reason, DateTimeOffset at, CancellationToken cancellationToken) =>
        ExecuteOneAsync(_sql.DisableEndpoint, new { id, reason, at }, cancellationToken);

    public Task<bool> UpdateEndpointAsync(long id, string? url, string? description, bool setEventTypes, string[]? eventTypes,
        CancellationToken cancellationToken) =>
        ExecuteOneAsync(_sql.UpdateEndpoint, new { id, url, description, setEventTypes, eventTypes }, cancellationToken);

    public Task<bool> DeleteEndpointAsync(long id, CancellationToken cancellationToken) =>
        ExecuteOneAsync(_sql.DeleteEndpoint, new { id }, cancellationToken);

    public Task<bool> EnableAsync(long id, CancellationToken cancellationToken) =>
        ExecuteOneAsync(_sql.EnableEndpoint, new { id }, cancellationToken);

    /// <summary>The stats of the endpoints named, or of all when <paramref name="ids"/> is null, by endpoint id.</summary>
    public async Task<IReadOnlyDictionary<long, WebhookEndpointStats>> StatsAsync(long[]? ids, DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var connection = await DataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<StatsRow>(new CommandDefinition(_sql.EndpointStats, new { ids, since }, cancellationToken: cancellationToken));
        return rows.ToDictionary(r => r.EndpointId, r => new WebhookEndpointStats(r.Attempts, r.Delivered, r.LastError, Utc(r.LastErrorAt)));
    }

    /// <summary>Npgsql reads timestamptz as a UTC <see cref="DateTime"/>.</summary>
    private static DateTimeOffset? Utc(DateTime? value) =>
        value is { } v ? new DateTimeOffset(DateTime.SpecifyKind(v, DateTimeKind.Utc)) : null;

    private async Task<bool> ExecuteOneAsync(string sql, object parameters, CancellationToken cancellationToken)
    {
        await using var connection = await DataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken)) == 1;
    }

    private sealed class EndpointRow
    {
        public long Id { get; init; }
        public string Url { get; init; } = "";
        public string Description { get; init; } = "";
        public string[]? EventTypes { get; init; }
        public bool Enabled { get; init; }
        public string? DisabledReason { get; init; }
        public DateTime? DisabledAt { get; init; }
        public DateTime? FailingSince { get; init; }
        public DateTime? PreviousSecretExpiresAt { get; init; }
        public DateTime CreatedAt { get; init; }

        public WebhookEndpoint ToEndpoint() => new()
        {
            Id = Id,
            Url = Url,
            Description = Description,
            EventTypes = EventTypes,
            Enabled = Enabled,
            DisabledReason = DisabledReason,
            DisabledAt = Utc(DisabledAt),
            FailingSince = Utc(FailingSince),
            PreviousSecretExpiresAt = Utc(PreviousSecretExpiresAt),
            CreatedAt = Utc(CreatedAt)!.Value,
        };
    }

    private sealed class StatsRow
    {
        public long EndpointId { get; init; }
        public long Attempts { get; init; }
        public long Delivered { get; init; }
        public string? LastError { get; init; }
        public DateTime? LastErrorAt { get; init; }
    }
}
