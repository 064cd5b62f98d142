using Jobs.Engine.Handlers;

namespace Jobs.Hangfire;

/// <summary>
/// A Hangfire method call as engine job arguments: the target as Hangfire's <c>InvocationData</c>
/// writes it (type, method, parameter types, and each argument serialized by Hangfire's own
/// serializer, kept verbatim), the explicit queue, and Hangfire's job parameters (culture, the
/// recurring job that triggered it).
/// </summary>
/// <param name="Type">The type, as Hangfire's type serializer names it.</param>
/// <param name="Method">The method name.</param>
/// <param name="ParameterTypes">The method's parameter types, as Hangfire names them.</param>
/// <param name="Arguments">Each argument as Hangfire serialized it (JSON text), or null.</param>
/// <param name="Queue">The queue given on the job itself (<c>Enqueue("queue", ...)</c>), if any.</param>
/// <param name="Parameters">Hangfire's job parameters, each serialized as Hangfire does.</param>
public abstract record HangfireInvocationArgs(
    string Type,
    string Method,
    IReadOnlyList<string> ParameterTypes,
    IReadOnlyList<string?> Arguments,
    string? Queue = null,
    IReadOnlyDictionary<string, string?>? Parameters = null);

/// <summary>The engine kind of Hangfire jobs: <c>hangfire.job</c>.</summary>
public sealed record HangfireJobArgs(
    string Type,
    string Method,
    IReadOnlyList<string> ParameterTypes,
    IReadOnlyList<string?> Arguments,
    string? Queue = null,
    IReadOnlyDictionary<string, string?>? Parameters = null)
    : HangfireInvocationArgs(Type, Method, ParameterTypes, Arguments, Queue, Parameters), IJobArgs
{
    /// <summary>The kind name.</summary>
    public static string Kind => "hangfire.job";
}

/// <summary>
/// The kind of Hangfire jobs whose method has <c>[DisableConcurrentExecution]</c>:
/// <c>hangfire.exclusive</c>, limited to one running job per partition key, and the partition key
/// names the method (Hangfire's lock resource), so at most one call of each such method runs at a
/// time across all servers.
/// </summary>
public sealed record ExclusiveHangfireJobArgs(
    string Type,
    string Method,
    IReadOnlyList<string> ParameterTypes,
    IReadOnlyList<string?> Arguments,
    string? Queue = null,
    IReadOnlyDictionary<string, string?>? Parameters = null)
    : HangfireInvocationArgs(Type, Method, ParameterTypes, Arguments, Queue, Parameters), IJobArgs
{
    /// <summary>The kind name.</summary>
    public static string Kind => "hangfire.exclusive";
}
