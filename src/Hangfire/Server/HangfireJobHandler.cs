using System.Globalization;
using System.Reflection;
using System.Runtime.ExceptionServices;
using Hangfire;
using Hangfire.Common;
using Hangfire.Server;
using Jobs.Engine.Handlers;
using Jobs.Hangfire.Client;
using Jobs.Hangfire.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Jobs.Hangfire.Server;

/// <summary>
/// Runs a Hangfire method call in the engine's server: Hangfire's own <c>InvocationData</c> finds the
/// type and method and deserializes the arguments; the target comes from the job's DI scope (or is
/// created with its constructor's services); <see cref="CancellationToken"/> and
/// <see cref="IJobCancellationToken"/> parameters get the engine's token. A type or method that no
/// longer exists, or arguments that no longer deserialize, fail the job permanently (dead) with the
/// type and method named. <c>[AutomaticRetry]</c> decides what the last failure means: Fail (dead),
/// Delete (cancelled); its <c>DelaysInSeconds</c> set the least wait before each retry, and
/// <c>OnlyOn</c>/<c>ExceptOn</c> make other exceptions final at once.
/// </summary>
internal sealed class HangfireJobHandler(IServiceProvider services, HangfireServerContext context)
    : IJobHandler<HangfireJobArgs>, IJobHandler<ExclusiveHangfireJobArgs>
{
    public Task ExecuteAsync(JobContext<HangfireJobArgs> job, CancellationToken cancellationToken) =>
        RunAsync(job.Args, job.Job, cancellationToken);

    public Task ExecuteAsync(JobContext<ExclusiveHangfireJobArgs> job, CancellationToken cancellationToken) =>
        RunAsync(job.Args, job.Job, cancellationToken);

    private async Task RunAsync(HangfireInvocationArgs args, JobInfoSnapshot info, CancellationToken cancellationToken)
    {
        var job = Load(args);
        ApplyCulture(args);
        var retry = context.FilterProvider.GetFilters(job).Select(f => f.Instance).OfType<AutomaticRetryAttribute>().FirstOrDefault();
        try
        {
            var instance = job.Method.IsStatic ? null : ActivatorUtilities.GetServiceOrCreateInstance(services, job.Type);
            var result = job.Method.Invoke(instance, Arguments(job, args, info, cancellationToken));
            await AwaitResultAsync(result);
        }
        catch (Exception e)
        {
            var error = e is TargetInvocationException { InnerException: { } inner } ? inner : e;
            if (error is OperationCanceledException && cancellationToken.IsCancellationRequested)
            {
                // A timeout, a cancel or shutdown: the engine records the attempt as such.
                ExceptionDispatchInfo.Throw(error);
            }
            if (Failure(error, retry, info) is { } failure)
            {
                throw failure;
            }
            // Thrown again as is (type, message and stack intact): the engine records the job's own error.
            ExceptionDispatchInfo.Throw(error);
        }
    }

    private static Job Load(HangfireInvocationArgs args)
    {
        try
        {
            return HangfireInvocation.ToInvocationData(args).DeserializeJob();
        }
        catch (JobLoadException e)
        {
            throw new PermanentJobFailureException(
                $"Hangfire job {args.Type} :: {args.Method} cannot run: {e.InnerException?.Message ?? e.Message} " +
                "Deploy a version that has this type and method (with these parameter types), then requeue the job.", e);
        }
    }

    /// <summary>
    /// What a failed call means for the attempt, following the job's <c>[AutomaticRetry]</c>: an
    /// exception that tells the engine so, or null when the error itself is the attempt's failure.
    /// </summary>
    private static Exception? Failure(Exception error, AutomaticRetryAttribute? retry, JobInfoSnapshot info)
    {
        var retriable = retry is not null
            && (retry.OnlyOn is not { Length: > 0 } onlyOn || onlyOn.Any(t => t.IsInstanceOfType(error)))
            && (retry.ExceptOn is not { Length: > 0 } exceptOn || !exceptOn.Any(t => t.IsInstanceOfType(error)));
        var last = info.Attempt >= info.MaxAttempts || !retriable;
        if (last && retry?.OnAttemptsExceeded == AttemptsExceededAction.Delete)
        {
            return new CancelJobException($"Gave up after attempt {info.Attempt} ([AutomaticRetry] deletes the job): {error.Message}", error);
        }
        if (last && info.Attempt < info.MaxAttempts)
        {
            return new PermanentJobFailureException(
                $"{error.GetType().FullName} is not retried ([AutomaticRetry] OnlyOn/ExceptOn): {error.Message}", error);
        }
        if (!last && retry?.DelaysInSeconds is { Length: > 0 } delays)
        {
            var delay = delays[Math.Min(info.Attempt, delays.Length) - 1];
            return new RetryJobException(error.Message, TimeSpan.FromSeconds(Math.Max(delay, 0)), error);
        }
        return null;
    }

    private object?[] Arguments(Job job, HangfireInvocationArgs args, JobInfoSnapshot info, CancellationToken cancellationToken)
    {
        var parameters = job.Method.GetParameters();
        var values = job.Args.ToArray();
        for (var i = 0; i < parameters.Length; i++)
        {
            var type = parameters[i].ParameterType;
            if (type == typeof(CancellationToken))
            {
                values[i] = cancellationToken;
            }
            else if (type == typeof(IJobCancellationToken))
            {
                values[i] = new EngineJobCancellationToken(cancellationToken);
            }
            else if (type == typeof(PerformContext))
            {
                var storage = context.Storage;
                var parameterSnapshot = args.Parameters?.Where(p => p.Value is not null).ToDictionary(p => p.Key, p => p.Value!)
                    ?? new Dictionary<string, string>();
                values[i] = new PerformContext(storage, storage.GetConnection(),
                    new BackgroundJob(HangfireIds.Format(info.Id), job, info.CreatedAt.UtcDateTime, parameterSnapshot),
                    new EngineJobCancellationToken(cancellationToken));
            }
        }
        return values;
    }

    /// <summary>Hangfire's <c>[CaptureCulture]</c> (a default filter) stores the client's cultures; the method runs in them.</summary>
    private static void ApplyCulture(HangfireInvocationArgs args)
    {
        if (Culture(args, "CurrentCulture") is { } culture)
        {
            CultureInfo.CurrentCulture = culture;
        }
        if (Culture(args, "CurrentUICulture") is { } uiCulture)
        {
            CultureInfo.CurrentUICulture = uiCulture;
        }
    }

    private static CultureInfo? Culture(HangfireInvocationArgs args, string parameter)
    {
        if (args.Parameters?.GetValueOrDefault(parameter) is not { } serialized
            || SerializationHelper.Deserialize<string>(serialized, SerializationOption.User) is not { } name)
        {
            return null;
        }
        try
        {
            return CultureInfo.GetCultureInfo(name);
        }
        catch (CultureNotFoundException)
        {
            return null;
        }
    }

    private static async Task AwaitResultAsync(object? result)
    {
        switch (result)
        {
            case Task task:
                await task;
                break;
            case ValueTask valueTask:
                await valueTask;
                break;
            case not null when result.GetType() is { IsGenericType: true } type && type.GetGenericTypeDefinition() == typeof(ValueTask<>):
                await (Task)type.GetMethod(nameof(ValueTask<int>.AsTask))!.Invoke(result, null)!;
                break;
        }
    }
}
