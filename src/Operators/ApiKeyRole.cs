namespace Jobs.Operators;

/// <summary>What an API key may do, within its kinds and queues.</summary>
public enum ApiKeyRole
{
    /// <summary>Enqueues jobs and reads them.</summary>
    Producer,

    /// <summary>Also retries, cancels, deletes and requeues them.</summary>
    Operator,
}
