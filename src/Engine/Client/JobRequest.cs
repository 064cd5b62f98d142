using System.Text.Json;
using Jobs.Engine.Handlers;

namespace Jobs.Engine.Client;

/// <summary>One job to enqueue in a batch: its kind, its arguments and its options.</summary>
/// <param name="Kind">The kind name.</param>
/// <param name="Args">The arguments: a record serialized to a JSON object, or a <see cref="JsonElement"/> holding one.</param>
/// <param name="Options">How to enqueue it.</param>
public sealed record JobRequest(string Kind, object Args, EnqueueOptions? Options = null)
{
    /// <summary>A request for typed arguments, with the kind taken from the args type.</summary>
    public static JobRequest Create<TArgs>(TArgs args, EnqueueOptions? options = null) where TArgs : IJobArgs =>
        new(TArgs.Kind, args!, options);

    /// <summary>
    /// Checks the kind, the arguments' shape and the options as an enqueue does, without enqueueing:
    /// lets a caller that accepts jobs from outside (the HTTP API) report every bad job of a batch.
    /// </summary>
    /// <exception cref="ArgumentException">An option is invalid; <see cref="ArgumentException.ParamName"/> names it.</exception>
    public void Validate() => EnqueueValidation.Check(this, Options ?? new EnqueueOptions(), null);
}
