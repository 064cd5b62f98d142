using Microsoft.Extensions.Options;

namespace Jobs.Engine.Server;

/// <summary>Checks what data annotations cannot: queue names, worker counts, and timing relations.</summary>
internal sealed class JobServerOptionsValidator : IValidateOptions<JobServerOptions>
{
    public ValidateOptionsResult Validate(string? name, JobServerOptions options)
    {
        var failures = new List<string>();
        foreach (var (queue, workers) in options.Queues)
        {
            if (!QueueNames.IsValid(queue))
            {
                failures.Add($"Jobs:Server:Queues: '{queue}' is not a valid queue name (1 to 64 letters, digits or _ . : -).");
            }
            if (workers is < 1 or > 10_000)
            {
                failures.Add($"Jobs:Server:Queues:{queue} must be between 1 and 10000 workers (got {workers}).");
            }
        }
        if (options.ServerTimeout < options.HeartbeatInterval * 2)
        {
            failures.Add($"Jobs:Server:ServerTimeout ({options.ServerTimeout}) must be at least twice Jobs:Server:HeartbeatInterval ({options.HeartbeatInterval}).");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
