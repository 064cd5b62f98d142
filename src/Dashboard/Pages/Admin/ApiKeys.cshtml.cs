using Jobs.Dashboard.Security;
using Jobs.Dashboard.Ui;
using Jobs.Engine.Handlers;
using Jobs.Operators;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Jobs.Dashboard.Pages;

/// <summary>API keys (admins only): create scoped to kinds and queues with a role (the key shown once), list, revoke.</summary>
[Authorize(Policy = DashboardPolicies.Admin)]
public sealed class ApiKeysModel(ApiKeys keys, JobKindCatalog catalog) : DashboardPage
{
    protected override string PostPolicy => DashboardPolicies.Admin;

    public IReadOnlyList<ApiKeyInfo> Keys { get; private set; } = [];
    public CreatedApiKey? IssuedKey { get; private set; }
    public IReadOnlyList<string> KnownKinds => catalog.Kinds;

    /// <summary>True when the address named a new key that was shown already (a reload after creating one).</summary>
    public bool IssuedKeyGone { get; private set; }

    /// <param name="issued">The token of a key just created, to show once.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task OnGetAsync(string? issued, CancellationToken cancellationToken)
    {
        IssuedKey = HttpContext.RequestServices.GetRequiredService<OneTimeActions>().Take<CreatedApiKey>(issued, User);
        IssuedKeyGone = issued is not null && IssuedKey is null;
        Keys = await keys.ListAsync(cancellationToken);
    }

    public Task<IActionResult> OnPostCreateAsync(string? name, string? role, string? kinds, string? queues, CancellationToken cancellationToken) =>
        OnceAsync(async once =>
        {
            if (!Enum.TryParse<ApiKeyRole>(role, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed) || int.TryParse(role, out _))
            {
                return new Outcome(Request.Path, Error: $"'{role}' is not an API key role: producer or operator.");
            }
            CreatedApiKey created;
            try
            {
                created = await keys.CreateAsync(name ?? "", parsed, List(kinds), List(queues), User.Identity!.Name!, cancellationToken);
            }
            catch (ArgumentException e)
            {
                return new Outcome(Request.Path, Error: e.Message.Replace($" (Parameter '{e.ParamName}')", "", StringComparison.Ordinal));
            }
            await AuditAsync("api_keys.create", $"{created.Info.Name} ({created.Info.Prefix})",
                details: new { role = parsed.ToString().ToLowerInvariant(), kinds = created.Info.Kinds, queues = created.Info.Queues });
            // The key is never stored in clear: the page the redirect leads to shows it once, from memory.
            return new Outcome($"{Request.Path}?issued={once.Keep(User, created)}", $"Created API key '{created.Info.Name}'.");
        });

    public async Task<IActionResult> OnPostRevokeAsync(long id, CancellationToken cancellationToken)
    {
        var key = (await keys.ListAsync(cancellationToken)).FirstOrDefault(k => k.Id == id);
        if (key is null || !await keys.RevokeAsync(id, cancellationToken))
        {
            return Failed("That key does not exist or was revoked already.");
        }
        await AuditAsync("api_keys.revoke", $"{key.Name} ({key.Prefix})");
        return Done($"Revoked '{key.Name}': requests with it are refused from now on.");
    }

    private static List<string>? List(string? text) =>
        text?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) is { Length: > 0 } values ? values.ToList() : null;
}
