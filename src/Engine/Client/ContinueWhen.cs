namespace Jobs.Engine.Client;

/// <summary>When a continuation (<see cref="EnqueueOptions.After"/>) runs, once its parent finished.</summary>
public enum ContinueWhen
{
    /// <summary>
    /// Only after the parent succeeded; a cancelled (or deleted) parent cancels the continuation.
    /// </summary>
    Succeeded,

    /// <summary>After the parent succeeded or was cancelled (or deleted).</summary>
    Finished,
}
