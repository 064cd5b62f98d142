using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Jobs.Dashboard.Tests.Security;
using Jobs.Engine.Storage;
using Jobs.Operators;
using Jobs.Operators.Storage;
using Jobs.Testing;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Jobs.Dashboard.Tests.Operators;

/// <summary>
/// The operator tables leave the engine's schema for their own (Operators migration 0001): a database
/// the engine's migrations alone built (as every release before the move did) keeps its accounts, keys,
/// sessions and audit log, and a fresh one ends the same way.
/// </summary>
public sealed class OperatorsAdoptionTests
{
    private static readonly string[] OperatorTables = ["operator", "operator_session", "api_key", "audit", "data_protection_key"];

    [Fact]
    public async Task An_existing_database_keeps_its_operators_keys_sessions_and_audit_and_they_still_work()
    {
        await using var schema = await TestSchema.CreateAsync(); // the engine's migrations only: 0004, 0006 and 0008 made the tables here
        var hash = new PasswordHasher<OperatorAccount>().HashPassword(null!, KestrelDashboard.Password);
        const string key = "jobs_0123456789ab_an-api-key-made-by-the-release-before-the-move";
        var ada = await schema.ScalarAsync<long>(
            "insert into {s}.operator (username, password_hash, role, created_by) values ('ada', @hash, 'admin', 'cli') returning id", new { hash });
        await schema.ExecuteAsync("""
            insert into {s}.operator_session (operator_id, token_hash, created_at, last_seen_at) values (@ada, @token, now(), now());
            insert into {s}.api_key (name, prefix, key_hash, role, created_by) values ('billing', '0123456789ab', @keyHash, 'operator', 'ada');
            insert into {s}.audit (actor, actor_kind, action, target, job_count) values ('ada', 'operator', 'jobs.requeue', 'filter state=dead', 12);
            """, new { ada, token = SHA256.HashData("a-session-token"u8), keyHash = SHA256.HashData(Encoding.UTF8.GetBytes(key)) });

        await using var dashboard = await KestrelDashboard.StartAsync(existing: schema);

        Assert.Equal([], await TablesInAsync(schema, schema.Name));
        Assert.Equal(OperatorTables.Order(), await TablesInAsync(schema, schema.OperatorsSchema));
        Assert.True(await schema.ScalarAsync<bool>("select to_regclass('{s}.job_stats') is not null")); // 0004's other table stays the engine's
        Assert.Equal((1L, 1L, 1L, 1L), (
            await schema.ScalarAsync<long>("select count(*) from {ops}.operator"),
            await schema.ScalarAsync<long>("select count(*) from {ops}.operator_session where ended_at is null"),
            await schema.ScalarAsync<long>("select count(*) from {ops}.api_key"),
            await schema.ScalarAsync<long>("select count(*) from {ops}.audit")));
        // The password set before the move signs in, and the key made before it reads jobs.
        using var browser = dashboard.BehindTlsProxy();
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SignInAsync("ada", KestrelDashboard.Password)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/audit")).StatusCode);
        using var api = new HttpClient { BaseAddress = dashboard.Address };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/api/v1/jobs")).StatusCode);
        var audit = await dashboard.Services.GetRequiredService<AuditLog>().ListAsync();
        Assert.Contains(audit, r => r is { Action: "jobs.requeue", Actor: "ada", JobCount: 12 });
        // The identity sequences came with the tables: a new account takes the next id, not 1 again.
        var grace = await dashboard.CreateOperatorAsync("grace");
        Assert.True(grace > ada);
        Assert.Equal(1, await schema.ScalarAsync<int>("select max(version) from {ops}.migration"));
    }

    [Fact]
    public async Task A_fresh_database_ends_with_the_operator_tables_in_their_own_schema_only()
    {
        await using var dashboard = await KestrelDashboard.StartAsync();
        var schema = dashboard.Schema;

        // The engine's historical migrations still ran (and made the tables), then Operators adopted them.
        Assert.Equal([4, 6, 8], await schema.QueryAsync<int>("select version from {s}.migration where version in (4, 6, 8) order by version"));
        Assert.Equal([], await TablesInAsync(schema, schema.Name));
        Assert.Equal(OperatorTables.Order(), await TablesInAsync(schema, schema.OperatorsSchema));
        await dashboard.CreateOperatorAsync("admin");
        using var browser = dashboard.BehindTlsProxy();
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SignInAsync("admin", KestrelDashboard.Password)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/")).StatusCode);
        Assert.NotEmpty(await schema.QueryAsync<string>("select xml from {ops}.data_protection_key"));
    }

    [Fact]
    public async Task An_engine_schema_without_the_tables_gets_them_made_empty_and_a_second_run_changes_nothing()
    {
        await using var schema = await TestSchema.CreateAsync();
        await schema.ExecuteAsync("drop table {s}.operator_session, {s}.operator, {s}.api_key, {s}.audit, {s}.data_protection_key");
        await using var engine = new JobsDatabase(JobsDatabase.CreateDataSource(TestDatabase.ConnectionString), schema.Name);
        var migrator = Migrator.For(engine, schema.OperatorsSchema, OperatorsDatabase.Migrations, NullLogger<Migrator>.Instance);

        Assert.Equal(1, await migrator.MigrateAsync(CancellationToken.None));
        Assert.Equal(0, await migrator.MigrateAsync(CancellationToken.None));

        Assert.Equal(OperatorTables.Order(), await TablesInAsync(schema, schema.OperatorsSchema));
        Assert.Equal(0L, await schema.ScalarAsync<long>("select count(*) from {ops}.operator"));
    }

    private static async Task<List<string>> TablesInAsync(TestSchema schema, string name) =>
        await schema.QueryAsync<string>(
            "select table_name from information_schema.tables where table_schema = @name and table_name = any(@tables) order by table_name",
            new { name, tables = OperatorTables });
}
