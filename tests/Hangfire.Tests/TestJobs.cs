using System.Collections.Concurrent;
using Hangfire;

namespace Jobs.Hangfire.Tests;

/// <summary>What the Hangfire test jobs did, per test key (tests run in parallel and share these statics).</summary>
public static class Probe
{
    private static readonly ConcurrentDictionary<string, ConcurrentQueue<Run>> Runs = new();
    private static readonly ConcurrentDictionary<string, int> Running = new();
    private static readonly ConcurrentDictionary<string, int> MostRunning = new();

    public static void Record(string key, string what) => Runs.GetOrAdd(key, _ => new()).Enqueue(new Run(what, DateTimeOffset.UtcNow));

    public static IReadOnlyList<Run> Of(string key) => Runs.TryGetValue(key, out var runs) ? runs.ToList() : [];

    public static int MaxConcurrent(string key) => MostRunning.GetValueOrDefault(key);

    public static void Enter(string key)
    {
        var now = Running.AddOrUpdate(key, 1, (_, n) => n + 1);
        MostRunning.AddOrUpdate(key, now, (_, n) => Math.Max(n, now));
    }

    public static void Exit(string key) => Running.AddOrUpdate(key, 0, (_, n) => n - 1);

    public sealed record Run(string What, DateTimeOffset At);
}

public static class StaticJobs
{
    public static void Record(string key, string what) => Probe.Record(key, what);

    public static async Task RecordAsync(string key, string what)
    {
        await Task.Yield();
        Probe.Record(key, what);
    }

    public static async Task HoldAsync(string key, int ms)
    {
        Probe.Record(key, "hold-start");
        await Task.Delay(ms);
        Probe.Record(key, "hold-end");
    }

    [AutomaticRetry(Attempts = 2, OnAttemptsExceeded = AttemptsExceededAction.Fail)]
    public static void FailThenDie(string key)
    {
        Probe.Record(key, "fail");
        throw new InvalidOperationException("always fails");
    }

    [AutomaticRetry(Attempts = 2, OnAttemptsExceeded = AttemptsExceededAction.Delete)]
    public static void FailThenDelete(string key)
    {
        Probe.Record(key, "fail");
        throw new InvalidOperationException("always fails");
    }

    [Queue("critical")]
    public static void Critical(string key) => Probe.Record(key, "critical");

    [DisableConcurrentExecution(timeoutInSeconds: 60)]
    public static async Task OneAtATimeAsync(string key)
    {
        Probe.Enter(key);
        try
        {
            await Task.Delay(150);
            Probe.Record(key, "exclusive");
        }
        finally
        {
            Probe.Exit(key);
        }
    }

    [AutomaticRetry(Attempts = 0)]
    public static async Task WaitForCancellationAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            Probe.Record(key, "token-fired");
            throw;
        }
    }

    [AutomaticRetry(Attempts = 0)]
    public static void WaitForJobCancellation(string key, IJobCancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                cancellationToken.ThrowIfCancellationRequested();
            }
            catch (OperationCanceledException)
            {
                Probe.Record(key, "job-token-fired");
                throw;
            }
            Thread.Sleep(20);
        }
    }

    [JobDisplayName("Invoice {0}")]
    public static void Named(string key) => Probe.Record(key, "named");

    public static void WillBeRenamed(string key) => Probe.Record(key, "renamed");

    public static void Numbered(string key, int number) => Probe.Record(key, $"number {number}");
}

/// <summary>An instance job resolved from the job's DI scope.</summary>
public sealed class Greeter(GreetingLog log)
{
    public async Task GreetAsync(string key, string name)
    {
        await Task.Yield();
        log.Greeted(key, $"hello {name}");
    }
}

public sealed class GreetingLog
{
    public void Greeted(string key, string text) => Probe.Record(key, text);
}
