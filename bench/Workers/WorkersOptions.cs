using System.Globalization;

namespace Jobs.Workers.Bench;

internal sealed record WorkersOptions(
    int Jobs, int Concurrency, int[] Processes, int Limited, int LimitedMs, int GlobalLimit, int PartitionLimit, int Partitions)
{
    public const string Usage =
        "Usage: workers-bench [--jobs N] [--concurrency C] [--processes 1,2,4] [--limited M] [--limited-ms MS] " +
        "[--global-limit G] [--partition-limit P] [--partitions K]";

    public static WorkersOptions Parse(string[] args)
    {
        int jobs = 20_000, concurrency = 10, limited = 2_000, limitedMs = 2, globalLimit = 8, partitionLimit = 2, partitions = 6;
        int[] processes = [1, 2, 4];
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value. {Usage}");
            switch (args[i])
            {
                case "--jobs": jobs = Int(value); break;
                case "--concurrency": concurrency = Int(value); break;
                case "--processes": processes = value.Split(',').Select(Int).ToArray(); break;
                case "--limited": limited = Int(value); break;
                case "--limited-ms": limitedMs = Int(value); break;
                case "--global-limit": globalLimit = Int(value); break;
                case "--partition-limit": partitionLimit = Int(value); break;
                case "--partitions": partitions = Int(value); break;
                default: throw new ArgumentException($"Unknown argument '{args[i]}'. {Usage}");
            }
            i++;
        }
        if (jobs < 1 || concurrency < 1 || limited < 1 || limitedMs < 0 || globalLimit < 1 || partitionLimit < 1 || partitions < 1 ||
            processes.Length == 0 || processes.Any(p => p < 1 || p > 32))
        {
            throw new ArgumentException($"Every count must be positive (processes 1 to 32). {Usage}");
        }
        return new WorkersOptions(jobs, concurrency, processes, limited, limitedMs, globalLimit, partitionLimit, partitions);
    }

    private static int Int(string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : throw new ArgumentException($"'{value}' is not a number. {Usage}");
}
