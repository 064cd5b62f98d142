using System.Security.Cryptography;

namespace Jobs.Sandbox.Gateway;

/// <summary>
/// The sandbox gateway's memory: payment intents, how many captures each has had, the
/// idempotency store, scripted faults and a log of every call. Tests reach it through
/// <c>sandbox.Get&lt;GatewayState&gt;()</c>; thread-safe.
/// </summary>
public sealed partial class GatewayState(TimeProvider timeProvider)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, IntentRow> _intents = new(StringComparer.Ordinal);
    private readonly List<ScriptedFault> _faults = [];
    private readonly List<GatewayRequest> _requests = [];

    /// <summary>The only API key accepted, when set; any non-empty Bearer key otherwise. The default value is null.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Every call received, oldest first.</summary>
    public IReadOnlyList<GatewayRequest> Requests
    {
        get
        {
            lock (_lock)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>Creates an intent authorized for <paramref name="amount"/>, in <c>requires_capture</c> (what confirming a manual-capture intent with a test card gives).</summary>
    /// <param name="amount">The amount authorized, in the currency's minor unit.</param>
    /// <param name="currency">The currency.</param>
    /// <param name="id">The intent's id; a new random one when null (the well-known intents of the docs give theirs).</param>
    public SandboxPaymentIntent CreateIntent(long amount, string currency = "usd", string? id = null)
    {
        var row = new IntentRow(id ?? NewId("pi"), amount, currency.ToLowerInvariant(), NewId("ch"), timeProvider.GetUtcNow().ToUnixTimeSeconds());
        lock (_lock)
        {
            _intents.Add(row.Id, row);
            return row.Snapshot();
        }
    }

    /// <summary>The intent as the gateway would answer it, or null.</summary>
    public SandboxPaymentIntent? GetIntent(string id)
    {
        lock (_lock)
        {
            return _intents.TryGetValue(id, out var row) ? row.Snapshot() : null;
        }
    }

    /// <summary>How many times the intent was captured (committed), whatever the client saw. Exactly-once means 1.</summary>
    public int CaptureCount(string id)
    {
        lock (_lock)
        {
            return _intents.TryGetValue(id, out var row) ? row.Captures : 0;
        }
    }

    /// <summary>Lets the authorization lapse: the intent is canceled and a capture answers <c>charge_expired_for_capture</c>.</summary>
    public SandboxPaymentIntent Expire(string id)
    {
        lock (_lock)
        {
            var row = _intents[id];
            row.Expired = true;
            row.Status = "canceled";
            row.CancellationReason = "automatic";
            row.AmountCapturable = 0;
            return row.Snapshot();
        }
    }

    /// <summary>Scripts a fault for the next calls it matches.</summary>
    public void Script(GatewayFault fault)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(fault.Times, 1);
        lock (_lock)
        {
            _faults.Add(new ScriptedFault(fault, fault.Times));
        }
    }

    /// <summary>Scripted fault uses not yet taken by a call.</summary>
    public int PendingFaults
    {
        get
        {
            lock (_lock)
            {
                return _faults.Sum(f => f.Remaining);
            }
        }
    }

    /// <summary>The calls of one operation for one intent, oldest first.</summary>
    public IReadOnlyList<GatewayRequest> RequestsFor(string paymentIntentId, GatewayOperation operation) =>
        Requests.Where(r => r.PaymentIntentId == paymentIntentId && r.Operation == operation).ToList();

    internal GatewayFault? TakeFault(GatewayOperation operation, string? intentId)
    {
        lock (_lock)
        {
            var match = _faults.FirstOrDefault(f => f.Fault.Operation == operation && (f.Fault.PaymentIntentId is null || f.Fault.PaymentIntentId == intentId));
            if (match is null)
            {
                return null;
            }
            if (--match.Remaining == 0)
            {
                _faults.Remove(match);
            }
            return match.Fault;
        }
    }

    internal void Record(GatewayRequest request)
    {
        lock (_lock)
        {
            _requests.Add(request);
        }
    }

    internal DateTimeOffset Now => timeProvider.GetUtcNow();

    /// <summary>
    /// Captures: the business rules of Stripe's capture call, and the commit. A decline code
    /// refuses the capture as the card's issuer would.
    /// </summary>
    internal GatewayResponse Capture(string id, long? amountToCapture, string? declineCode)
    {
        lock (_lock)
        {
            if (!_intents.TryGetValue(id, out var row))
            {
                return GatewayResponse.Error(404, "invalid_request_error", "resource_missing", $"No such payment_intent: '{id}'", param: "intent");
            }
            if (row.Expired)
            {
                return GatewayResponse.Error(400, "invalid_request_error", "charge_expired_for_capture",
                    "The charge cannot be captured as the authorization has expired. Auth and capture charges must be captured within a set number of days.");
            }
            if (row.Status != "requires_capture")
            {
                return GatewayResponse.Error(400, "invalid_request_error", "payment_intent_unexpected_state",
                    $"This PaymentIntent could not be captured because it has a status of {row.Status}. Only a PaymentIntent with one of the following statuses may be captured: requires_capture.");
            }
            var amount = amountToCapture ?? row.AmountCapturable;
            if (amount > row.AmountCapturable)
            {
                return GatewayResponse.Error(400, "invalid_request_error", "amount_too_large",
                    $"The amount to capture ({amount}) is greater than the amount capturable ({row.AmountCapturable}).", param: "amount_to_capture");
            }
            if (declineCode is not null)
            {
                return GatewayResponse.Error(402, "card_error", "card_declined", "Your card was declined.", declineCode);
            }
            row.Status = "succeeded";
            row.AmountReceived = amount;
            row.AmountCapturable = 0;
            row.Captures++;
            return GatewayResponse.Ok(row.Snapshot());
        }
    }

    internal GatewayResponse Retrieve(string id)
    {
        lock (_lock)
        {
            return _intents.TryGetValue(id, out var row)
                ? GatewayResponse.Ok(row.Snapshot())
                : GatewayResponse.Error(404, "invalid_request_error", "resource_missing", $"No such payment_intent: '{id}'", param: "intent");
        }
    }

    internal GatewayResponse Cancel(string id, string? reason)
    {
        lock (_lock)
        {
            if (!_intents.TryGetValue(id, out var row))
            {
                return GatewayResponse.Error(404, "invalid_request_error", "resource_missing", $"No such payment_intent: '{id}'", param: "intent");
            }
            if (row.Status is "succeeded" or "canceled")
            {
                return GatewayResponse.Error(400, "invalid_request_error", "payment_intent_unexpected_state",
                    $"You cannot cancel this PaymentIntent because it has a status of {row.Status}.");
            }
            row.Status = "canceled";
            row.CancellationReason = reason ?? "requested_by_customer";
            row.AmountCapturable = 0;
            return GatewayResponse.Ok(row.Snapshot());
        }
    }

    private static string NewId(string prefix) =>
        $"{prefix}_{RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 24)}";

    private sealed class ScriptedFault(GatewayFault fault, int remaining)
    {
        public GatewayFault Fault { get; } = fault;
        public int Remaining { get; set; } = remaining;
    }

    private sealed class IntentRow(string id, long amount, string currency, string charge, long created)
    {
        public string Id { get; } = id;
        public long Amount { get; } = amount;
        public long AmountCapturable { get; set; } = amount;
        public long AmountReceived { get; set; }
        public string Status { get; set; } = "requires_capture";
        public string? CancellationReason { get; set; }
        public bool Expired { get; set; }
        public int Captures { get; set; }

        public SandboxPaymentIntent Snapshot() =>
            new(Id, Amount, AmountCapturable, AmountReceived, currency, Status, "manual", charge, CancellationReason, created);
    }
}
