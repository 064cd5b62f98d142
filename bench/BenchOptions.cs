using System.Globalization;

namespace Jobs.Bench;

internal sealed record BenchOptions(int Jobs, int Concurrency, long History)
{
    public static BenchOptions Parse(string[] args)
    {
        int jobs = 20_000, concurrency = 10;
        long history = 0;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--jobs": jobs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--concurrency": concurrency = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--history": history = long.Parse(args[++i], CultureInfo.InvariantCulture); break;
                default: throw new ArgumentException($"Unknown argument '{args[i]}'. Usage: bench --jobs N --concurrency C [--history H]");
            }
        }
        if (jobs < 1 || concurrency < 1 || history < 0)
        {
            throw new ArgumentException("--jobs and --concurrency must be positive, --history not negative.");
        }
        return new BenchOptions(jobs, concurrency, history);
    }
}
