using Jobs.Engine.States;
using Jobs.Payments;
using Jobs.Storage;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Jobs.Tests.Payments;

/// <summary>The ledger an application writes to: registration, transactional enqueue, and the invariants the table enforces.</summary>
public sealed class PaymentLedgerTests : PaymentTestBase
{
    [Fact]
    public async Task The_row_and_its_capture_job_are_written_in_one_transaction()
    {
        var intent = Rig.Gateway.CreateIntent(4_200, "gbp");
        var database = Rig.Engine.Services.GetRequiredService<AppDatabase>();

        await using (var connection = await database.DataSource.OpenConnectionAsync())
        await using (var rolledBack = await connection.BeginTransactionAsync())
        {
            var id = await Rig.Ledger.CreateAuthorizedAsync(rolledBack, new AuthorizedPayment(intent.Id, 4_200, "GBP"));
            await Rig.Engine.Client.EnqueueAsync(rolledBack, new PaymentCaptureArgs(id, 4_200, "gbp"));
            await rolledBack.RollbackAsync();
        }
        Assert.Equal(0L, await Schema.ScalarAsync<long>("select count(*) from {app}.payment"));
        Assert.Equal(0L, await Schema.ScalarAsync<long>("select count(*) from {s}.job"));

        long paymentId, jobId;
        await using (var connection = await database.DataSource.OpenConnectionAsync())
        await using (var committed = await connection.BeginTransactionAsync())
        {
            paymentId = await Rig.Ledger.CreateAuthorizedAsync(committed, new AuthorizedPayment(intent.Id, 4_200, "GBP"));
            jobId = (await Rig.Engine.Client.EnqueueAsync(committed, new PaymentCaptureArgs(paymentId, 4_200, "gbp"))).Id;
            await committed.CommitAsync();
        }

        Assert.Equal(JobState.Succeeded, (await Rig.FinishedAsync(jobId, JobState.Succeeded)).State);
        var payment = await Rig.PaymentAsync(paymentId);
        Assert.Equal((PaymentStatus.Captured, "gbp", 4_200L), (payment.Status, payment.Currency, payment.AmountCaptured!.Value));
    }

    [Fact]
    public async Task Registering_an_intent_again_returns_its_row_unless_the_amount_differs()
    {
        var intent = Rig.Gateway.CreateIntent(1_000);

        var first = await Rig.Ledger.CreateAuthorizedAsync(new AuthorizedPayment(intent.Id, 1_000, "usd"));
        var again = await Rig.Ledger.CreateAuthorizedAsync(new AuthorizedPayment(intent.Id, 1_000, "USD"));
        var conflict = await Assert.ThrowsAsync<ArgumentException>(() =>
            Rig.Ledger.CreateAuthorizedAsync(new AuthorizedPayment(intent.Id, 999, "usd")));

        Assert.Equal(first, again);
        Assert.Contains($"already in the ledger (payment {first}) with 1000 usd", conflict.Message);
        Assert.Equal(1L, await Schema.ScalarAsync<long>("select count(*) from {app}.payment"));
    }

    [Theory]
    [InlineData("pi_1", 0, "usd", "Amount must be a positive number")]
    [InlineData("pi_1", 100, "abc", "'abc' is not an ISO 4217 currency code")]
    [InlineData("", 100, "usd", "PaymentIntentId must be the gateway's id")]
    [InlineData("pi 1; drop", 100, "usd", "PaymentIntentId must be the gateway's id")]
    public async Task Invalid_registrations_are_refused_naming_the_problem(string intentId, long amount, string currency, string message)
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() =>
            Rig.Ledger.CreateAuthorizedAsync(new AuthorizedPayment(intentId, amount, currency)));

        Assert.Contains(message, error.Message);
        Assert.Equal(0L, await Schema.ScalarAsync<long>("select count(*) from {app}.payment"));
    }

    [Theory]
    [InlineData("update {app}.payment set status = 'captured', amount_to_capture = 100, capture_started_at = now(), amount_captured = 1001, captured_at = now()", "payment_amount_captured_range")]
    [InlineData("update {app}.payment set status = 'captured', amount_to_capture = 100, capture_started_at = now()", "payment_captured_complete")]
    [InlineData("update {app}.payment set status = 'failed', amount_to_capture = 100, capture_started_at = now(), failed_at = now()", "payment_failed_has_reason")]
    [InlineData("update {app}.payment set status = 'capturing'", "payment_capture_started")]
    [InlineData("update {app}.payment set status = 'refunded', amount_to_capture = 100, capture_started_at = now()", "payment_status_valid")]
    [InlineData("update {app}.payment set amount_to_capture = -1", "payment_amount_to_capture_range")]
    [InlineData("update {app}.payment set currency = 'USD'", "payment_currency_format")]
    [InlineData("insert into {app}.payment (payment_intent_id, currency, amount_authorized) values ('pi_neg', 'usd', -5)", "payment_amount_authorized_positive")]
    public async Task The_table_refuses_rows_that_break_the_ledgers_invariants(string sql, string constraint)
    {
        var intent = Rig.Gateway.CreateIntent(1_000);
        await Rig.Ledger.CreateAuthorizedAsync(new AuthorizedPayment(intent.Id, 1_000, "usd"));

        var error = await Assert.ThrowsAsync<PostgresException>(() => Schema.ExecuteAsync(sql));

        Assert.Equal(PostgresErrorCodes.CheckViolation, error.SqlState);
        Assert.Equal(constraint, error.ConstraintName);
    }
}
