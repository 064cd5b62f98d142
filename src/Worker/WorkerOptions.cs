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
}
