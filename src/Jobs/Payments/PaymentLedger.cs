using Dapper;
using Jobs.Storage;
using Npgsql;

namespace Jobs.Payments;

/// <summary>
/// The payment ledger in the business schema: what the application writes after it authorizes a
/// payment, and what the <c>payment.capture</c> job moves on. Register with <c>AddPayments()</c>.
/// </summary>
public sealed partial class PaymentLedger(AppDatabase database)
{
    private readonly PaymentSql _sql = new(database.Schema);

    /// <summary>
    /// Writes an authorized payment and returns its ledger id. Registering the same intent again
    /// with the same amount and currency returns the existing id.
    /// </summary>
    /// <exception cref="ArgumentException">The intent id, amount or currency is invalid, or the intent is already registered with another amount or currency.</exception>
    public async Task<long> CreateAuthorizedAsync(AuthorizedPayment payment, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        return await CreateAsync(connection, null, payment, cancellationToken);
    }

    /// <summary>
    /// Writes an authorized payment inside the caller's transaction: together with
    /// <c>IJobClient.EnqueueAsync(transaction, new PaymentCaptureArgs(...))</c> the row and its
    /// capture job exist together or not at all.
    /// </summary>
    /// <inheritdoc cref="CreateAuthorizedAsync(AuthorizedPayment, CancellationToken)" path="/exception"/>
    public Task<long> CreateAuthorizedAsync(NpgsqlTransaction transaction, AuthorizedPayment payment, CancellationToken cancellationToken = default) =>
        CreateAsync(transaction.Connection!, transaction, payment, cancellationToken);

    /// <summary>Reads a payment, or null when the ledger has no row with this id.</summary>
    public async Task<PaymentRecord?> GetAsync(long id, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        return await ReadOneAsync(connection, null, _sql.SelectById, new NpgsqlParameter("Id", id), cancellationToken);
    }

    private async Task<long> CreateAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, AuthorizedPayment payment,
        CancellationToken cancellationToken)
    {
        var row = Validate(payment);
        var id = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            _sql.InsertAuthorized, row, transaction, cancellationToken: cancellationToken));
        if (id is { } created)
        {
            return created;
        }
        var existing = await ReadOneAsync(connection, transaction, _sql.SelectByIntent,
            new NpgsqlParameter("PaymentIntentId", row.PaymentIntentId), cancellationToken)
            ?? throw new InvalidOperationException($"Payment intent {row.PaymentIntentId} conflicted on insert but is not in the ledger.");
        if (existing.AmountAuthorized != row.Amount || existing.Currency != row.Currency)
        {
            throw new ArgumentException(
                $"Payment intent {row.PaymentIntentId} is already in the ledger (payment {existing.Id}) with " +
                $"{existing.AmountAuthorized} {existing.Currency}, not {row.Amount} {row.Currency}.", nameof(payment));
        }
        return existing.Id;
    }

    private static AuthorizedPayment Validate(AuthorizedPayment payment)
    {
        ArgumentNullException.ThrowIfNull(payment);
        if (string.IsNullOrEmpty(payment.PaymentIntentId) || payment.PaymentIntentId.Length > 255
            || !payment.PaymentIntentId.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
        {
            throw new ArgumentException(
                $"PaymentIntentId must be the gateway's id (1 to 255 letters, digits or underscores), not '{payment.PaymentIntentId}'.",
                nameof(payment));
        }
        if (payment.Amount <= 0)
        {
            throw new ArgumentException($"Amount must be a positive number of minor units, not {payment.Amount}.", nameof(payment));
        }
        if (!Iso4217.IsCurrency(payment.Currency))
        {
            throw new ArgumentException($"Currency '{payment.Currency}' is not an ISO 4217 currency code.", nameof(payment));
        }
        return payment with { Currency = Iso4217.Normalize(payment.Currency) };
    }

    private static async Task<PaymentRecord?> ReadOneAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql,
        NpgsqlParameter parameter, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        command.Parameters.Add(parameter);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    private static PaymentRecord Read(NpgsqlDataReader r) => new()
    {
        Id = r.GetInt64(0),
        PaymentIntentId = r.GetString(1),
        Currency = r.GetString(2),
        AmountAuthorized = r.GetInt64(3),
        AmountToCapture = r.IsDBNull(4) ? null : r.GetInt64(4),
        AmountCaptured = r.IsDBNull(5) ? null : r.GetInt64(5),
        Status = Enum.Parse<PaymentStatus>(r.GetString(6), ignoreCase: true),
        ChargeId = r.IsDBNull(7) ? null : r.GetString(7),
        FailureCode = r.IsDBNull(8) ? null : r.GetString(8),
        FailureReason = r.IsDBNull(9) ? null : r.GetString(9),
        LastError = r.IsDBNull(10) ? null : r.GetString(10),
        CaptureAttempts = r.GetInt32(11),
        CreatedAt = r.GetFieldValue<DateTimeOffset>(12),
        UpdatedAt = r.GetFieldValue<DateTimeOffset>(13),
        CaptureStartedAt = r.IsDBNull(14) ? null : r.GetFieldValue<DateTimeOffset>(14),
        CapturedAt = r.IsDBNull(15) ? null : r.GetFieldValue<DateTimeOffset>(15),
        FailedAt = r.IsDBNull(16) ? null : r.GetFieldValue<DateTimeOffset>(16),
    };
}
