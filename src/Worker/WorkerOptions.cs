namespace Jobs.Worker;

/// <summary>Options of the worker host itself. Bound from <c>Worker</c>.</summary>
public sealed class WorkerOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Worker";

    /// <summary>Register the diagnostic kinds diag.noop, diag.sleep and diag.fail. The default value is true.</summary>
    public bool DiagnosticJobs { get; set; } = true;

    /// <summary>
    /// Where the worker serves <c>/health/live</c>, <c>/health/ready</c>, <c>/health</c> and
    /// <c>/metrics</c> (semicolon-separated; port 0 picks a free port). The default value is <c>http://127.0.0.1:5081</c>; in a container, <c>http://0.0.0.0:5081</c>.
    /// </summary>
    public string Urls { get; set; } = "http://127.0.0.1:5081";

    /// <summary>
    /// Require an API key on <c>/metrics</c>, as the dashboard does: <c>Authorization: Bearer jobs_...</c>
    /// with a key of any role (admins make keys in the dashboard or with <c>Jobs.Dashboard
    /// create-api-key</c>); health stays open. Turn it on when <see cref="Urls"/> can be reached by
    /// more than the scraper. The default value is false.
    /// </summary>
    public bool MetricsRequireApiKey { get; set; }
}
