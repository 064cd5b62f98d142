using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace Jobs.Engine.Handlers;

/// <summary>A handler registered for a kind, with the policy given in code.</summary>
public sealed class JobKindRegistration
{
    internal JobKindRegistration(string kind, Type argsType, Type handlerType, JobKindOptions options, IJobInvoker invoker)
    {
        Kind = kind;
        ArgsType = argsType;
        HandlerType = handlerType;
        Options = options;
        Invoker = invoker;
    }

    /// <summary>The kind name.</summary>
    public string Kind { get; }

    /// <summary>The args record.</summary>
    public Type ArgsType { get; }

    /// <summary>The handler class.</summary>
    public Type HandlerType { get; }

    /// <summary>The policy: code defaults with configuration applied on top.</summary>
    public JobKindOptions Options { get; internal set; }

    internal IJobInvoker Invoker { get; }

    internal static JobKindRegistration Create<THandler, TArgs>(JobKindOptions options)
        where THandler : class, IJobHandler<TArgs>
        where TArgs : IJobArgs =>
        new(TArgs.Kind, typeof(TArgs), typeof(THandler), options, new JobInvoker<THandler, TArgs>());
}

/// <summary>Binds a kind's args and calls its handler, without reflection on the hot path.</summary>
internal interface IJobInvoker
{
    /// <summary>Binds the JSON to the args record; throws <see cref="JsonException"/> when it does not fit.</summary>
    object Bind(string argsJson);

    /// <summary>Resolves the handler from the job's scope and runs the attempt.</summary>
    Task InvokeAsync(IServiceProvider services, object args, JobInfoSnapshot job, CancellationToken cancellationToken);
}

internal sealed class JobInvoker<THandler, TArgs> : IJobInvoker
    where THandler : class, IJobHandler<TArgs>
    where TArgs : IJobArgs
{
    public object Bind(string argsJson) =>
        JsonSerializer.Deserialize<TArgs>(argsJson, JobJson.Options)
        ?? throw new JsonException($"The arguments are null; {typeof(TArgs).Name} needs a JSON object.");

    public Task InvokeAsync(IServiceProvider services, object args, JobInfoSnapshot job, CancellationToken cancellationToken) =>
        services.GetRequiredService<THandler>().ExecuteAsync(new JobContext<TArgs>((TArgs)args, job), cancellationToken);
}
