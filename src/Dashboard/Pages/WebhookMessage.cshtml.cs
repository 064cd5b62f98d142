using Jobs.Dashboard.Ui;
using Jobs.Webhooks;
using Microsoft.AspNetCore.Mvc;

namespace Jobs.Dashboard.Pages;

/// <summary>One published webhook message: its payload, and each endpoint it went to with the delivery's state and job.</summary>
public sealed class WebhookMessageModel(WebhookMessages messages, WebhookEndpoints endpoints) : DashboardPage
{
    public WebhookMessage? Message { get; private set; }
    public string PrettyPayload { get; private set; } = "";
    public IReadOnlyDictionary<long, WebhookEndpoint> Endpoints { get; private set; } = new Dictionary<long, WebhookEndpoint>();

    public async Task<IActionResult> OnGetAsync(string id, CancellationToken cancellationToken)
    {
        Message = await messages.GetAsync(id, cancellationToken);
        if (Message is null)
        {
            return NotFound();
        }
        PrettyPayload = JobDetailModel.Indent(Message.Payload);
        Endpoints = (await endpoints.ListAsync(cancellationToken)).ToDictionary(e => e.Id);
        return Page();
    }

    /// <summary>The name of a delivery's endpoint.</summary>
    public string EndpointName(long id) => Endpoints.TryGetValue(id, out var e) ? WebhookDeliveryLabel.NameOf(e) : "deleted endpoint";
}
