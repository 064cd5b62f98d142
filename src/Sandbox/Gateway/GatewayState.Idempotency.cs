namespace Jobs.Sandbox.Gateway;

/// <summary>
/// The idempotency store, with Stripe's rules: the first request with a key runs and its answer is
/// saved once execution began; the same key with the same parameters gets that answer again
/// (<c>Idempotent-Replayed: true</c>); the same key with other parameters is a 400
/// <c>idempotency_error</c>; the same key while the first still runs is a 409. Answers of requests
/// refused before execution (429, a 500 that says it may be retried, a dropped connection) are
/// not saved, so a retry runs. Keys do not expire here (Stripe keeps them 24 hours).
/// </summary>
public sealed partial class GatewayState
{
    private readonly Dictionary<string, IdempotencyEntry> _keys = new(StringComparer.Ordinal);

    internal enum KeyCheck { New, Replay, Mismatch, InFlight }

    internal (KeyCheck Check, GatewayResponse? Saved) BeginKey(string key, string fingerprint)
    {
        lock (_lock)
        {
            if (!_keys.TryGetValue(key, out var entry))
            {
                _keys.Add(key, new IdempotencyEntry(fingerprint));
                return (KeyCheck.New, null);
            }
            if (entry.Fingerprint != fingerprint)
            {
                return (KeyCheck.Mismatch, null);
            }
            return entry.Response is { } saved ? (KeyCheck.Replay, saved) : (KeyCheck.InFlight, null);
        }
    }

    internal void SaveKey(string key, GatewayResponse response)
    {
        lock (_lock)
        {
            _keys[key].Response = response;
        }
    }

    internal void ForgetKey(string key)
    {
        lock (_lock)
        {
            _keys.Remove(key);
        }
    }

    private sealed class IdempotencyEntry(string fingerprint)
    {
        public string Fingerprint { get; } = fingerprint;
        public GatewayResponse? Response { get; set; }
    }
}
