using Jobs.Dashboard.Security;
using Jobs.Dashboard.Ui;
using Jobs.Webhooks;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Jobs.Dashboard.Pages;

/// <summary>
/// One webhook endpoint without code (admins change it; everyone signed in reads it): create one
/// (its signing secret shown once), change its URL, description and event types (the SSRF guard
/// checks a new URL), rotate the secret (shown once), delete; enable and disable post to the
/// Webhooks page's handlers. Creating and rotating
/// are one-time actions (<see cref="OneTimeActions"/>): a reload or a double click never repeats them.
/// </summary>
public sealed class EndpointsModel(WebhookEndpoints endpoints, IOptions<WebhooksOptions> options) : DashboardPage
{
    protected override string PostPolicy => DashboardPolicies.Admin;

    /// <summary>The endpoint shown; null on the page that creates one.</summary>
    public WebhookEndpoint? Endpoint { get; private set; }

    /// <summary>A secret just made, shown this once.</summary>
    public IssuedEndpointSecret? Issued { get; private set; }

    /// <summary>True when the address named a secret that was shown already (a reload after making one).</summary>
    public bool IssuedGone { get; private set; }

    /// <summary>How long a rotated-out secret still signs.</summary>
    public TimeSpan RotationOverlap => options.Value.RotationOverlap;

    public async Task<IActionResult> OnGetAsync(long? id, string? issued, CancellationToken cancellationToken)
    {
        if (id is { } endpointId && (Endpoint = await endpoints.GetAsync(endpointId, cancellationToken)) is null)
        {
            return NotFound();
        }
        Issued = HttpContext.RequestServices.GetRequiredService<OneTimeActions>().Take<IssuedEndpointSecret>(issued, User) is { } secret
            && secret.EndpointId == id ? secret : null;
        IssuedGone = issued is not null && Issued is null;
        return Page();
    }

    public Task<IActionResult> OnPostCreateAsync(string? url, string? description, string? eventTypes, CancellationToken cancellationToken) =>
        OnceAsync(async once =>
        {
            WebhookSecretIssued created;
            try
            {
                created = await endpoints.CreateAsync(url ?? "", List(eventTypes), Blank(description), cancellationToken: cancellationToken);
            }
            catch (ArgumentException e)
            {
                return new Outcome(Request.Path, Error: Message(e));
            }
            await AuditAsync("webhooks.create", $"endpoint {created.EndpointId}", details: new { host = new Uri(url!).Host, eventTypes = List(eventTypes) });
            var token = once.Keep(User, new IssuedEndpointSecret(created.EndpointId, created.Secret, null));
            return new Outcome($"/webhooks/endpoints/{created.EndpointId}?issued={token}", $"Created endpoint #{created.EndpointId}.");
        });

    public async Task<IActionResult> OnPostSaveAsync(long id, string? url, string? description, string? eventTypes, CancellationToken cancellationToken)
    {
        try
        {
            if (!await endpoints.UpdateAsync(id, url ?? "", description ?? "", List(eventTypes) ?? [], cancellationToken))
            {
                return Failed($"There is no endpoint #{id}.", "/webhooks");
            }
        }
        catch (ArgumentException e)
        {
            return Failed(Message(e));
        }
        await AuditAsync("webhooks.update", $"endpoint {id}", details: new { host = new Uri(url!).Host });
        return Done($"Saved endpoint #{id}.");
    }

    public Task<IActionResult> OnPostRotateAsync(long id, CancellationToken cancellationToken) =>
        OnceAsync(async once =>
        {
            WebhookSecretIssued rotated;
            try
            {
                rotated = await endpoints.RotateSecretAsync(id, cancellationToken: cancellationToken);
            }
            catch (KeyNotFoundException e)
            {
                return new Outcome("/webhooks", Error: e.Message);
            }
            await AuditAsync("webhooks.rotate_secret", $"endpoint {id}");
            var until = (await endpoints.GetAsync(id, cancellationToken))?.PreviousSecretExpiresAt;
            var token = once.Keep(User, new IssuedEndpointSecret(id, rotated.Secret, until));
            return new Outcome($"/webhooks/endpoints/{id}?issued={token}", $"Rotated the signing secret of endpoint #{id}.");
        });

    public async Task<IActionResult> OnPostDeleteAsync(long id, CancellationToken cancellationToken)
    {
        if (await endpoints.DeleteAsync(id, User.Identity?.Name, cancellationToken) is not { } cancelled)
        {
            return Failed($"There is no endpoint #{id}.", "/webhooks");
        }
        await AuditAsync("webhooks.delete", $"endpoint {id}", cancelled);
        return Done($"Deleted endpoint #{id}; {Format.Number(cancelled)} unfinished deliver{(cancelled == 1 ? "y was" : "ies were")} cancelled.", "/webhooks");
    }

    private static List<string>? List(string? text) =>
        text?.Split([',', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) is { Length: > 0 } values ? values.ToList() : null;

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text;

    private static string Message(ArgumentException e) => e.Message.Replace($" (Parameter '{e.ParamName}')", "", StringComparison.Ordinal);
}

/// <summary>A webhook secret just made, until the page shows it.</summary>
/// <param name="EndpointId">The endpoint.</param>
/// <param name="Secret">The secret.</param>
/// <param name="PreviousUntil">After a rotation: until when the previous secret still signs.</param>
public sealed record IssuedEndpointSecret(long EndpointId, string Secret, DateTimeOffset? PreviousUntil)
{
    /// <inheritdoc />
    public override string ToString() => $"IssuedEndpointSecret {{ EndpointId = {EndpointId}, Secret = whsec_*** }}";
}
