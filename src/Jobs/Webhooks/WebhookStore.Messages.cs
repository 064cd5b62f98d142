using Dapper;

namespace Jobs.Webhooks;

internal sealed partial class WebhookStore
{
    public async Task<WebhookMessage?> GetMessageAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await DataSource.OpenConnectionAsync(cancellationToken);
        var message = await connection.QuerySingleOrDefaultAsync<MessageRow>(new CommandDefinition(_sql.GetMessage, new { id }, cancellationToken: cancellationToken));
        if (message is null)
        {
            return null;
        }
        var deliveries = await connection.QueryAsync<DeliveryStatusRow>(new CommandDefinition(_sql.MessageDeliveryStatus, new { id }, cancellationToken: cancellationToken));
        return new WebhookMessage(message.Id, message.EventType, message.Payload, Utc(message.CreatedAt)!.Value,
            deliveries.Select(d => new WebhookMessageDelivery(d.EndpointId, d.JobId, d.Status, d.Attempts, d.LastStatusCode, d.LastError,
                Utc(d.LastAttemptAt), Utc(d.DeliveredAt))).ToList());
    }

    private sealed record MessageRow(string Id, string EventType, string Payload, DateTime CreatedAt);

    private sealed class DeliveryStatusRow
    {
        public long EndpointId { get; init; }
        public long? JobId { get; init; }
        public string Status { get; init; } = "";
        public int Attempts { get; init; }
        public int? LastStatusCode { get; init; }
        public string? LastError { get; init; }
        public DateTime? LastAttemptAt { get; init; }
        public DateTime? DeliveredAt { get; init; }
    }
}
