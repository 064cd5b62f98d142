using Jobs.Dashboard.Security;
using Jobs.Dashboard.Ui;
using Jobs.Engine.Admin;
using Jobs.Engine.Handlers;
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

    public async Task OnGetAsync(CancellationToken cancellationToken) => Keys = await keys.ListAsync(cancellationToken);

    public async Task<IActionResult> OnPostCreateAsync(string? name, string? role, string? kinds, string? queues, CancellationToken cancellationToken)
    {
        if (!Enum.TryParse<ApiKeyRole>(role, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed) || int.TryParse(role, out _))
        {
            return Failed($"'{role}' is not an API key role: producer or operator.");
        }
        try
        {
            IssuedKey = await keys.CreateAsync(name ?? "", parsed, List(kinds), List(queues), User.Identity!.Name!, cancellationToken);
        }
        catch (ArgumentException e)
        {
            return Failed(e.Message.Replace($" (Parameter '{e.ParamName}')", "", StringComparison.Ordinal));
        }
        await AuditAsync("api_keys.create", $"{IssuedKey.Info.Name} ({IssuedKey.Info.Prefix})",
            details: new { role = parsed.ToString().ToLowerInvariant(), kinds = IssuedKey.Info.Kinds, queues = IssuedKey.Info.Queues });
        // The key appears in this response only: never carried through a redirect, never stored in clear.
        Notice = $"Created API key '{IssuedKey.Info.Name}'.";
        Keys = await keys.ListAsync(cancellationToken);
        return Page();
    }

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
