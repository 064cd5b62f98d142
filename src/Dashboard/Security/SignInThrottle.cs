using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Jobs.Dashboard.Security;

/// <summary>
/// Failed sign-ins counted by key (a client address, a username, a trusted device), in this process:
/// the failure that reaches a key's limit locks the key for its lockout; a lock that ran out starts
/// the count again. Held in memory (several dashboard processes each count their own): it holds back
/// guessing, and a restart forgets it. Entries unused for a day are dropped, so keys an attacker
/// invents do not pile up.
/// </summary>
public sealed class SignInThrottle(TimeProvider time)
{
    private static readonly TimeSpan Forget = TimeSpan.FromDays(1);
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private int _failuresSinceSweep;

    /// <summary>The key of a client address: IPv4 as it is, IPv6 by its /64 (one subscriber's network).</summary>
    public static string ClientKey(IPAddress? address)
    {
        if (address is null)
        {
            return "client:unknown";
        }
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        if (address.AddressFamily == AddressFamily.InterNetworkV6 && !IPAddress.IsLoopback(address))
        {
            var bytes = address.GetAddressBytes();
            Array.Clear(bytes, 8, 8);
            return $"client:{new IPAddress(bytes)}/64";
        }
        return $"client:{address}";
    }

    /// <summary>The key of a username, known or not (so that a lock says nothing about which accounts exist).</summary>
    public static string UserKey(string username) => "user:" + username;

    /// <summary>The key of a trusted device.</summary>
    public static string DeviceKey(string device) => "device:" + device;

    /// <summary>How long the key stays locked; null when it is not.</summary>
    public TimeSpan? LockedFor(string key)
    {
        var now = time.GetUtcNow();
        return _entries.TryGetValue(key, out var entry) && entry.LockedUntil is { } until && until > now ? until - now : null;
    }

    /// <summary>Counts a failure; returns when the lock ends if this failure locked the key.</summary>
    public DateTimeOffset? Fail(string key, int limit, TimeSpan lockout)
    {
        var now = time.GetUtcNow();
        DateTimeOffset? locked = null;
        _entries.AddOrUpdate(key,
            _ => Next(new Entry(0, null, now)),
            (_, entry) => Next(entry.LockedUntil is { } until && until <= now ? new Entry(0, null, now) : entry));
        if (Interlocked.Increment(ref _failuresSinceSweep) >= 1000)
        {
            Sweep(now);
        }
        return locked;

        Entry Next(Entry entry)
        {
            var failures = entry.Failures + 1;
            var until = entry.LockedUntil ?? (failures >= limit ? now + lockout : null);
            locked = entry.LockedUntil is null && until is not null ? until : null;
            return new Entry(failures, until, now);
        }
    }

    /// <summary>Forgets the key's failures (a successful sign-in, a password reset).</summary>
    public void Clear(string key) => _entries.TryRemove(key, out _);

    private void Sweep(DateTimeOffset now)
    {
        Interlocked.Exchange(ref _failuresSinceSweep, 0);
        foreach (var (key, entry) in _entries)
        {
            if (now - entry.LastFailure > Forget && !(entry.LockedUntil > now))
            {
                _entries.TryRemove(KeyValuePair.Create(key, entry));
            }
        }
    }

    private sealed record Entry(int Failures, DateTimeOffset? LockedUntil, DateTimeOffset LastFailure);
}
