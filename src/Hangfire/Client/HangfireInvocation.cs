using System.Text.Json;
using Hangfire.Common;
using Hangfire.Storage;
using Jobs.Engine;

namespace Jobs.Hangfire.Client;

/// <summary>Converts between Hangfire's <see cref="InvocationData"/> and the engine's job arguments, losslessly.</summary>
internal static class HangfireInvocation
{
    public static HangfireJobArgs ToArgs(Job job, IReadOnlyDictionary<string, string?>? parameters) =>
        ToArgs(InvocationData.SerializeJob(job), parameters);

    public static HangfireJobArgs ToArgs(InvocationData data, IReadOnlyDictionary<string, string?>? parameters) => new(
        data.Type,
        data.Method,
        // Plain JSON arrays of strings that Hangfire wrote: read with System.Text.Json, which costs less.
        string.IsNullOrEmpty(data.ParameterTypes) ? [] : JsonSerializer.Deserialize<string[]>(data.ParameterTypes) ?? [],
        data.Arguments is null or "" or "[]" ? [] : JsonSerializer.Deserialize<string?[]>(data.Arguments) ?? [],
        data.Queue,
        parameters is { Count: > 0 } ? parameters : null);

    public static InvocationData ToInvocationData(HangfireInvocationArgs args) => new(
        args.Type,
        args.Method,
        SerializationHelper.Serialize(args.ParameterTypes.ToArray()),
        SerializationHelper.Serialize(args.Arguments.ToArray()),
        args.Queue);

    /// <summary>The arguments of an engine job of a Hangfire kind, or null for other kinds.</summary>
    public static HangfireInvocationArgs? Read(string kind, string argsJson) => kind switch
    {
        _ when kind == HangfireJobArgs.Kind => JsonSerializer.Deserialize<HangfireJobArgs>(argsJson, JobJson.Options),
        _ when kind == ExclusiveHangfireJobArgs.Kind => JsonSerializer.Deserialize<ExclusiveHangfireJobArgs>(argsJson, JobJson.Options),
        _ => null,
    };

    public static bool IsHangfireKind(string kind) => kind == HangfireJobArgs.Kind || kind == ExclusiveHangfireJobArgs.Kind;
}
