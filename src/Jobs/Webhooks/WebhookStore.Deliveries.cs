using Dapper;
using Npgsql;

namespace Jobs.Webhooks;

/// <summary>Messages, deliveries and attempts.</summary>
internal sealed partial class WebhookStore
{
    /// <summary>Inserts the message; false when one with this id exists.</summary>
    public async Task<bool> InsertMessageAsync(NpgsqlTransaction transaction, string id, string eventType, string payload, CancellationToken cancellationToken) =>
        await transaction.Connection!.ExecuteAsync(new CommandDefinition(_sql.InsertMessage, new { id, eventType, payload }, transaction,
            cancellationToken: cancellationToken)) == 1;

    public async Task<long[]> SubscribedEndpointsAsync(NpgsqlTransaction transaction, string eventType, CancellationToken cancellationToken) =>
        (await transaction.Connection!.QueryAsync<long>(new CommandDefinition(_sql.SubscribedEndpoints, new { eventType }, transaction,
            cancellationToken: cancellationToken))).ToArray();

    public Task InsertDeliveriesAsync(NpgsqlTransaction transaction, string messageId, long[] endpointIds, long[] jobIds, CancellationToken cancellationToken) =>
        transaction.Connection!.ExecuteAsync(new CommandDefinition(_sql.InsertDeliveries, new { messageId, endpointIds, jobIds }, transaction,
            cancellationToken: cancellationToken));

    public async Task<IReadOnlyList<WebhookDeliveryJob>> MessageDeliveriesAsync(NpgsqlTransaction transaction, string messageId, CancellationToken cancellationToken) =>
        (await transaction.Connection!.QueryAsync<WebhookDeliveryJob>(new CommandDefinition(_sql.MessageDeliveries, new { messageId }, transaction,
            cancellationToken: cancellationToken))).AsList();

    /// <summary>The job of a delivery; null when there is no such delivery.</summary>
    public async Task<long?> DeliveryJobAsync(string messageId, long endpointId, CancellationToken cancellationToken)
    {
        await using var connection = await DataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(_sql.DeliveryJob, new { messageId, endpointId },
            cancellationToken: cancellationToken));
    }

    public async Task SetDeliveryJobAsync(string messageId, long endpointId, long jobId, CancellationToken cancellationToken)
    {
        await using var connection = await DataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(_sql.SetDeliveryJob, new { messageId, endpointId, jobId }, cancellationToken: cancellationToken));
    }

    public async Task<DeliveryRow?> LoadDeliveryAsync(string messageId, long endpointId, CancellationToken cancellationToken)
    {
        await using var connection = await DataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<DeliveryRow>(new CommandDefinition(_sql.LoadDelivery, new { messageId, endpointId },
            cancellationToken: cancellationToken));
    }

    /// <summary>Records one attempt: its row, the delivery's summary and the endpoint's failing run.</summary>
    public async Task RecordAttemptAsync(AttemptRecord attempt, CancellationToken cancellationToken)
    {
        await using var connection = await DataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(_sql.RecordAttempt, attempt, cancellationToken: cancellationToken));
    }

    /// <summary>What one attempt reads: the message, the endpoint with its encrypted secrets, the delivery's status.</summary>
    internal sealed class DeliveryRow
    {
        public string EventType { get; init; } = "";
        public string Payload { get; init; } = "{}";
        public DateTime CreatedAt { get; init; }
        public string Url { get; init; } = "";
        public bool Enabled { get; init; }
        public string? DisabledReason { get; init; }
        public DateTime? FailingSince { get; init; }
        public byte[] Secret { get; init; } = [];
        public byte[]? PreviousSecret { get; init; }
        public DateTime? PreviousSecretExpiresAt { get; init; }
        public string Status { get; init; } = "";
    }

    /// <summary>One attempt as written (parameter names are the SQL's).</summary>
    internal sealed record AttemptRecord(
        string MessageId, long EndpointId, int Attempt, long JobId, DateTimeOffset At, string Outcome, string Status,
        int? StatusCode, double? LatencyMs, string? Error);
}
