using System.Text.Encodings.Web;
using System.Text.Json;
using Jobs.Dashboard.Ui;
using Jobs.Engine.Client;
using Jobs.Webhooks;
using Microsoft.AspNetCore.Mvc;

namespace Jobs.Dashboard.Pages;

/// <summary>One job: arguments, timings, timeline, every attempt's error with its stack; retry, run now, cancel, delete.</summary>
public sealed class JobDetailModel(IJobClient jobs, WebhookEndpoints endpoints) : DashboardPage
{
    private static readonly JsonWriterOptions Pretty = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public JobInfo? Job { get; private set; }
    public string PrettyArgs { get; private set; } = "";
    public string? PrettyMetadata { get; private set; }
    public IReadOnlyList<TimelineStep> Timeline { get; private set; } = [];

    /// <summary>A webhook delivery's endpoint and message, or null for other jobs.</summary>
    public WebhookDeliveryLabel? Delivery { get; private set; }

    /// <summary>From due to the latest attempt's start.</summary>
    public TimeSpan? Waited => Job is { AttemptedAt: { } started, Errors.Count: 0 } ? Max0(started - Job.ScheduledAt) : null;

    /// <summary>How long the latest attempt ran (to its end, or until now while running).</summary>
    public TimeSpan? Ran => Job switch
    {
        { AttemptedAt: { } started, FinalizedAt: { } end } => Max0(end - started),
        { AttemptedAt: { } started, State: Engine.States.JobState.Running } => Max0(Now - started),
        _ => null,
    };

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken cancellationToken)
    {
        Job = await jobs.GetAsync(id, cancellationToken);
        if (Job is null)
        {
            return NotFound();
        }
        PrettyArgs = Indent(Job.ArgsJson);
        PrettyMetadata = Job.MetadataJson is { Length: > 0 } metadata && metadata != "{}" ? Indent(metadata) : null;
        Timeline = JobTimeline.For(Job);
        if (Job.Kind == WebhookDeliverArgs.Kind)
        {
            Delivery = WebhookDeliveryLabel.For(Job.Kind, Job.PartitionKey, Job.ArgsJson, (await endpoints.ListAsync(cancellationToken)).ToDictionary(e => e.Id));
        }
        return Page();
    }

    public Task<IActionResult> OnPostRequeueAsync(long id, CancellationToken cancellationToken) =>
        ActAsync(id, "jobs.requeue", jobs.RequeueAsync(id, cancellationToken), "Requeued: it runs as soon as a worker is free.",
            "It could not be requeued: it is waiting or running already, or was deleted.");

    public Task<IActionResult> OnPostCancelAsync(long id, CancellationToken cancellationToken) =>
        ActAsync(id, "jobs.cancel", jobs.CancelAsync(id, cancellationToken), "Cancelled.", "It could not be cancelled: it has finished already, or was deleted.");

    public async Task<IActionResult> OnPostDeleteAsync(long id, CancellationToken cancellationToken)
    {
        if (!await jobs.DeleteAsync(id, cancellationToken))
        {
            return Failed($"Job #{id} was deleted already.", "/jobs");
        }
        await AuditAsync("jobs.delete", $"job {id}", 1);
        return Done($"Deleted job #{id}.", "/jobs");
    }

    private async Task<IActionResult> ActAsync(long id, string action, Task<bool> act, string done, string refused)
    {
        var url = $"/jobs/{id}";
        if (!await act)
        {
            return Failed(refused, url);
        }
        await AuditAsync(action, $"job {id}", 1);
        return Done(done, url);
    }

    private static TimeSpan Max0(TimeSpan span) => span < TimeSpan.Zero ? TimeSpan.Zero : span;

    /// <summary>JSON indented for reading (as it came when it does not parse).</summary>
    internal static string Indent(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            using var stream = new MemoryStream();
            using (var writer = new Utf8JsonWriter(stream, Pretty))
            {
                document.RootElement.WriteTo(writer);
            }
            return System.Text.Encoding.UTF8.GetString(stream.ToArray());
        }
        catch (JsonException)
        {
            return json;
        }
    }
}
