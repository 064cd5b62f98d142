using System.Text.Json;
using Jobs.Workers.Bench;

// Many worker processes on one database (issue 14, item 3). For each process count (1, 2, 4 by default):
//   drain    N no-op jobs seeded into a paused queue while the processes start; timed from the resume
//            until the database shows every job succeeded (history kept)
//   limits   M jobs of a kind with a global limit G and a per-partition limit P over K partitions, each
//            running ~Ms ms; every run's start and end is recorded in its process (machine-wide monotonic
//            clock), and the most runs seen at once, overall and per partition, are computed across processes
//   once     every drain and limited job ran exactly once (counted from the processes' own records) and
//            the database shows one attempt for each
// Prints a table, then one JSON line; exits 1 when a limit was exceeded or a job ran twice or never.
if (args.Length > 0 && args[0] == "--child")
{
    return await WorkerChild.RunAsync(args[1..]);
}

var options = WorkersOptions.Parse(args);
var connectionString = Environment.GetEnvironmentVariable("ConnectionStrings__Jobs")
    ?? throw new InvalidOperationException("Set ConnectionStrings__Jobs to a database the benchmark may use (it creates the schema jobs_workers).");

var rounds = new List<RoundResult>();
foreach (var processes in options.Processes)
{
    var round = await Round.RunAsync(connectionString, options, processes);
    rounds.Add(round);
    Console.Error.WriteLine($"  {processes} process(es): drain {round.DrainPerSecond:N0} jobs/s, limits max {round.MaxRunning}/{options.GlobalLimit} " +
        $"and {round.MaxPerPartition}/{options.PartitionLimit} per partition, ran twice {round.RanTwice}, never ran {round.NeverRan}");
}

Console.WriteLine();
Console.WriteLine($"jobs.engine many workers  drain jobs={options.Jobs}  limited jobs={options.Limited} (~{options.LimitedMs} ms each, " +
    $"global limit {options.GlobalLimit}, partition limit {options.PartitionLimit}, {options.Partitions} partitions)  workers per process={options.Concurrency}");
Console.WriteLine($"  {"processes",9}  {"drain jobs/s",12}  {"limited jobs/s",14}  {"max running",11}  {"max/partition",13}  {"ran twice",9}  {"never ran",9}  jobs per process");
foreach (var r in rounds)
{
    Console.WriteLine($"  {r.Processes,9}  {r.DrainPerSecond,12:N0}  {r.LimitedPerSecond,14:N0}  {r.MaxRunning,11}  {r.MaxPerPartition,13}  {r.RanTwice,9}  {r.NeverRan,9}  {string.Join(" / ", r.JobsPerProcess)}");
}
var ok = rounds.All(r => r.MaxRunning <= options.GlobalLimit && r.MaxPerPartition <= options.PartitionLimit && r.RanTwice == 0 && r.NeverRan == 0);
Console.WriteLine(ok ? "  limits held and every job ran once" : "  VIOLATION: see the table");
Console.WriteLine(JsonSerializer.Serialize(rounds.Select(r => new
{
    processes = r.Processes,
    drain_per_s = Math.Round(r.DrainPerSecond, 1),
    limited_per_s = Math.Round(r.LimitedPerSecond, 1),
    max_running = r.MaxRunning,
    global_limit = options.GlobalLimit,
    max_per_partition = r.MaxPerPartition,
    partition_limit = options.PartitionLimit,
    ran_twice = r.RanTwice,
    never_ran = r.NeverRan,
})));
return ok ? 0 : 1;
