using System.Diagnostics;

namespace Jobs.HangfireBench;

/// <summary>The no-op Hangfire job, as the Hangfire.PostgreSql peer's: records when each call started.</summary>
public static class NoopJob
{
    private static int _handled;

    public static long FirstStart { get; private set; }

    public static long[] StartedAt { get; private set; } = [];

    public static int Handled => Volatile.Read(ref _handled);

    public static void Reset(int count)
    {
        _handled = 0;
        FirstStart = 0;
        StartedAt = new long[count];
    }

    public static void Run(int i)
    {
        var now = Stopwatch.GetTimestamp();
        if (Interlocked.Increment(ref _handled) == 1)
        {
            FirstStart = now;
        }
        if (i < StartedAt.Length)
        {
            StartedAt[i] = now;
        }
    }
}
