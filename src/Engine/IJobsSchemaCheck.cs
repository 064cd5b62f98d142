namespace Jobs.Engine;

/// <summary>
/// A schema besides the engine's that must be at this build's migration for the host to be ready
/// (an application's own tables, say). The hosts' readiness check asks every registered one.
/// Register with <c>services.AddSingleton&lt;IJobsSchemaCheck, T&gt;()</c>.
/// </summary>
public interface IJobsSchemaCheck
{
    /// <summary>Whether the schema is current, with a reason naming it and its migration.</summary>
    Task<(bool Ready, string Reason)> CheckAsync(CancellationToken cancellationToken);
}
