using System.Collections.Concurrent;
using System.Security.Claims;
using System.Security.Cryptography;

namespace Jobs.Dashboard.Ui;

/// <summary>
/// Makes the pages' one-time actions (rotate a webhook secret, create an API key, create an account
/// or reset its password) safe to reload and to double-click, and shows what they made exactly once.
/// </summary>
/// <remarks>
/// <para>Each rendering of such a form carries a token (<see cref="FieldName"/>). The first post with it
/// acts; a second post with the same token (a double click, a reload of the post, a back button)
/// does not act again but waits for the first and answers as it did. The action answers with a
/// redirect (Post/Redirect/Get), so reloading the page after it only reads.</para>
/// <para>A secret an action made (a webhook secret, an API key, a password) is kept here, in this
/// process's memory only, for <see cref="RevealLifetime"/> under a random token that the redirect's
/// address names; the page that address renders takes it out, so it shows once: a reload shows
/// that it was shown already. Both tokens belong to the operator's session: another session cannot
/// use or read them. A dashboard run as several instances needs sticky sessions for the display
/// (the action itself is never repeated either way within one instance).</para>
/// </remarks>
public sealed class OneTimeActions(TimeProvider time)
{
    /// <summary>The form field holding the token.</summary>
    public const string FieldName = "__once";

    /// <summary>How long a form's token can be used after the page rendered it: 2 hours.</summary>
    public static readonly TimeSpan FormLifetime = TimeSpan.FromHours(2);

    /// <summary>How long a made secret waits to be shown: 10 minutes.</summary>
    public static readonly TimeSpan RevealLifetime = TimeSpan.FromMinutes(10);

    private readonly ConcurrentDictionary<string, Form> _forms = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Kept> _kept = new(StringComparer.Ordinal);
    private long _nextSweep;

    /// <summary>A new token for one rendering of a form, for this operator's session.</summary>
    public string Issue(ClaimsPrincipal user)
    {
        Sweep();
        var token = NewToken();
        _forms[token] = new Form(Owner(user), time.GetUtcNow() + FormLifetime);
        return token;
    }

    /// <summary>
    /// Runs <paramref name="action"/> for the first post of <paramref name="token"/>; a later post of
    /// the same token gets the first one's outcome without acting. Null when the token is unknown,
    /// expired or another session's.
    /// </summary>
    public async Task<Outcome?> RunOnceAsync(string? token, ClaimsPrincipal user, Func<Task<Outcome>> action)
    {
        if (token is null || !_forms.TryGetValue(token, out var form) || form.Owner != Owner(user) || form.ExpiresAt < time.GetUtcNow())
        {
            return null;
        }
        Task<Outcome> run;
        lock (form)
        {
            // The first post starts the action; the others wait for the same task.
            run = form.Run ??= action();
        }
        try
        {
            return await run;
        }
        catch
        {
            // A failed action may be tried again with the same form.
            lock (form)
            {
                if (ReferenceEquals(form.Run, run))
                {
                    form.Run = null;
                }
            }
            throw;
        }
    }

    /// <summary>Keeps a made secret to show once; returns the token for the address of the page that shows it.</summary>
    public string Keep(ClaimsPrincipal user, object secret)
    {
        Sweep();
        var token = NewToken();
        _kept[token] = new Kept(Owner(user), time.GetUtcNow() + RevealLifetime, secret);
        return token;
    }

    /// <summary>The secret kept under <paramref name="token"/>, removed as it is read: null once shown, expired or another session's.</summary>
    public T? Take<T>(string? token, ClaimsPrincipal user) where T : class
    {
        if (token is null || !_kept.TryGetValue(token, out var kept) || kept.Owner != Owner(user))
        {
            return null;
        }
        return _kept.TryRemove(new KeyValuePair<string, Kept>(token, kept)) && kept.ExpiresAt >= time.GetUtcNow() ? kept.Secret as T : null;
    }

    private static string Owner(ClaimsPrincipal user) =>
        user.FindFirst(OperatorSession.SessionClaim)?.Value ?? user.FindFirst(OperatorSession.AccountIdClaim)?.Value
        ?? throw new InvalidOperationException("One-time actions need a signed-in operator.");

    private static string NewToken() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)).Replace('+', '-').Replace('/', '_');

    /// <summary>Forgets expired tokens, at most once a minute.</summary>
    private void Sweep()
    {
        var now = time.GetUtcNow();
        var due = Interlocked.Read(ref _nextSweep);
        if (now.UtcTicks < due || Interlocked.CompareExchange(ref _nextSweep, (now + TimeSpan.FromMinutes(1)).UtcTicks, due) != due)
        {
            return;
        }
        foreach (var (token, form) in _forms)
        {
            if (form.ExpiresAt < now)
            {
                _forms.TryRemove(token, out _);
            }
        }
        foreach (var (token, kept) in _kept)
        {
            if (kept.ExpiresAt < now)
            {
                _kept.TryRemove(token, out _);
            }
        }
    }

    private sealed class Form(string owner, DateTimeOffset expiresAt)
    {
        public string Owner { get; } = owner;
        public DateTimeOffset ExpiresAt { get; } = expiresAt;
        public Task<Outcome>? Run { get; set; }
    }

    private sealed record Kept(string Owner, DateTimeOffset ExpiresAt, object Secret);
}

/// <summary>Where a one-time action sends the browser, with the message to show there.</summary>
/// <param name="Url">A local address (with the token of a secret to show, if any).</param>
/// <param name="Flash">What the action did.</param>
/// <param name="Error">Why it did nothing.</param>
public sealed record Outcome(string Url, string? Flash = null, string? Error = null);
