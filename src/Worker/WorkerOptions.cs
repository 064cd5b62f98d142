namespace Jobs.Worker;

/// <summary>Options of the worker host itself. Bound from <c>Worker</c>.</summary>
public sealed class WorkerOptions
{
    /// <summary>Register the diagnostic kinds diag.noop, diag.sleep and diag.fail. The default value is true.</summary>
    public bool DiagnosticJobs { get; set; } = true;
}
