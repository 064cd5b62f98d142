using System.Security.Claims;
using Jobs.Dashboard.Security;
using Jobs.Engine.Client;
using Jobs.Operators;

namespace Jobs.Dashboard.Apis;

/// <summary>
/// The API key behind a request and what it may see: jobs of its kinds in its queues (either
/// unrestricted when the key names none). A job outside the scope is treated as absent.
/// </summary>
internal sealed class ApiCaller
{
    private ApiCaller(ApiKeyInfo key, ClaimsPrincipal user)
    {
        Key = key;
        User = user;
    }

    public ApiKeyInfo Key { get; }

    public ClaimsPrincipal User { get; }

    /// <summary>The key's name and public prefix: what logs and the audit log show (never the key).</summary>
    public string Name => $"{Key.Name} ({Key.Prefix})";

    /// <summary>The authenticated key of the request (the API's endpoints all require one).</summary>
    public static ApiCaller From(HttpContext http) =>
        http.Items[ApiKeyAuthenticationHandler.KeyItem] is ApiKeyInfo key
            ? new ApiCaller(key, http.User)
            : throw new InvalidOperationException("The request was not authenticated with an API key.");

    /// <summary>True when the key may see and act on the job.</summary>
    public bool Sees(JobInfo job) => Key.Allows(job.Kind, job.Queue);

    /// <summary>The kinds the key may use that the process knows, for messages.</summary>
    public IEnumerable<string> KindsWithin(IEnumerable<string> known) =>
        Key.Kinds is null ? known : known.Where(k => Key.Kinds.Contains(k, StringComparer.Ordinal));

    /// <summary>
    /// The caller's filter narrowed to the key's kinds and queues; null when nothing can match
    /// (the caller asked only for kinds or queues outside the scope).
    /// </summary>
    public JobFilter? Narrow(JobFilter filter)
    {
        var kinds = Intersect(filter.Kinds, Key.Kinds);
        var queues = Intersect(filter.Queues, Key.Queues);
        return kinds is { Count: 0 } || queues is { Count: 0 } ? null : filter with { Kinds = kinds, Queues = queues };
    }

    private static IReadOnlyList<string>? Intersect(IReadOnlyList<string>? asked, IReadOnlyList<string>? allowed) =>
        allowed is null ? asked
        : asked is null ? allowed
        : asked.Where(a => allowed.Contains(a, StringComparer.Ordinal)).Distinct(StringComparer.Ordinal).ToList();
}
