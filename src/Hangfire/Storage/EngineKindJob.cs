using Hangfire;
using Hangfire.Common;
using Hangfire.Dashboard;

namespace Jobs.Hangfire.Storage;

/// <summary>
/// How a job of a native kind (not a Hangfire method call) appears to Hangfire: a call of
/// <see cref="Run"/> with the kind and its JSON arguments, so the Dashboard lists it as
/// <c>webhook.deliver {"endpoint":…}</c>, its details page shows the arguments, and Requeue and Delete
/// act on it like on any job (Hangfire's state changer refuses to change jobs whose method it cannot
/// find). The engine runs such a job through its kind's handler, never through this method.
/// </summary>
internal static class EngineKindJob
{
    /// <summary>Arguments longer than this are cut in lists (the details page shows them whole).</summary>
    public const int ShownArgs = 160;

    private static readonly System.Reflection.MethodInfo RunMethod = typeof(EngineKindJob).GetMethod(nameof(Run))!;

    public static Job For(string kind, string argsJson) => new(typeof(EngineKindJob), RunMethod, kind, argsJson);

    /// <summary>Never runs: a job of a native kind is run by its kind's handler.</summary>
    [EngineKindDisplayName]
    public static void Run(string kind, string args) => throw new InvalidOperationException(
        $"A job of kind '{kind}' runs through its kind's handler on the engine's server, not as a Hangfire method call.");

    /// <summary>The kind and the start of the arguments.</summary>
    [AttributeUsage(AttributeTargets.Method)]
    private sealed class EngineKindDisplayNameAttribute() : JobDisplayNameAttribute("{0} {1}")
    {
        public override string Format(DashboardContext context, Job job) =>
            job.Args is [string kind, string args]
                ? $"{kind} {(args.Length <= ShownArgs ? args : string.Concat(args.AsSpan(0, ShownArgs), "…"))}"
                : base.Format(context, job);
    }
}
