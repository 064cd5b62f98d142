using Dapper;
using Jobs.Engine.Storage;
using Jobs.Testing;

namespace Jobs.Engine.Tests.Storage;

public sealed class JobsDatabaseTests
{
    private static async Task<string> JitAsync(string connectionString)
    {
        await using var dataSource = JobsDatabase.CreateDataSource(connectionString);
        await using var connection = await dataSource.OpenConnectionAsync();
        return (await connection.ExecuteScalarAsync<string>("show jit"))!;
    }

    [Fact]
    public async Task Engine_connections_do_not_jit_compile_unless_the_connection_string_says_so()
    {
        Assert.Equal("off", await JitAsync(TestDatabase.ConnectionString));
        Assert.Equal("on", await JitAsync(TestDatabase.ConnectionString + ";Options=-c jit=on"));
    }
}
