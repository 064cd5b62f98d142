using Npgsql;

namespace Jobs.Hangfire.TestHost;

/// <summary>
/// A Hangfire job for the crash test: each attempt records itself (with this process's id) in
/// <c>{schema}.hangfire_attempts</c>; the first attempt then holds until its process is killed, a
/// later one returns.
/// </summary>
public static class CrashJobs
{
    public static async Task HoldOnFirstAttemptAsync(string marker, CancellationToken cancellationToken)
    {
        var schema = Environment.GetEnvironmentVariable("Jobs__Schema")!;
        await using var connection = new NpgsqlConnection(Environment.GetEnvironmentVariable("ConnectionStrings__Jobs"));
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            $"insert into {schema}.hangfire_attempts (marker, pid) values (@marker, @pid) returning (select count(*) from {schema}.hangfire_attempts where marker = @marker)",
            connection);
        command.Parameters.AddWithValue("marker", marker);
        command.Parameters.AddWithValue("pid", Environment.ProcessId);
        var earlier = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        if (earlier == 0)
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
        }
    }
}
