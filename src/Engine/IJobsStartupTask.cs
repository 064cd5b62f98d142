namespace Jobs.Engine;

/// <summary>
/// Work that must finish before anything uses the database: an application's own migrations, say.
/// Run once per process, after the engine's migrations and before the job server claims a job or a
/// host serves a request. Register with <c>services.AddSingleton&lt;IJobsStartupTask, T&gt;()</c>.
/// </summary>
public interface IJobsStartupTask
{
    /// <summary>Runs the task; an exception stops the process from starting.</summary>
    Task RunAsync(CancellationToken cancellationToken);
}
