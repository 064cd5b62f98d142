using System.Globalization;

namespace Jobs.Bench;

internal sealed record BenchOptions(int Jobs, int Concurrency)
{
    public static BenchOptions Parse(string[] args)
    {
        int jobs = 20_000, concurrency = 10;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--jobs": jobs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--concurrency": concurrency = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                default: throw new ArgumentException($"Unknown argument '{args[i]}'. Usage: bench --jobs N --concurrency C");
            }
        }
        if (jobs < 1 || concurrency < 1)
        {
            throw new ArgumentException("--jobs and --concurrency must be positive.");
        }
        return new BenchOptions(jobs, concurrency);
    }
}
