using Hangfire;
using Jobs.Engine.States;
using Jobs.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Jobs.Hangfire.Tests;

/// <summary>Tests that set Hangfire's process-wide JobStorage.Current, one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GlobalConfigurationCollection
{
    public const string Name = "Hangfire's global configuration";
}

/// <summary>The static API and the DI registration of Hangfire.NetCore, on UseJobsStorage.</summary>
[Collection(GlobalConfigurationCollection.Name)]
public sealed class GlobalConfigurationTests : HangfireTestBase
{
    [Fact]
    public async Task The_static_background_job_api_enqueues_through_global_configuration()
    {
        GlobalConfiguration.Configuration.UseJobsStorage(TestDatabase.ConnectionString, new JobsStorageOptions { Schema = Schema.Name });

        var id = BackgroundJob.Enqueue(() => StaticJobs.Record(Key, "static api"));
        var continuation = BackgroundJob.ContinueJobWith(id, () => StaticJobs.Record(Key, "continued"));

        await StateAsync(id, JobState.Succeeded);
        await StateAsync(continuation, JobState.Succeeded);
        Assert.IsType<JobsStorage>(JobStorage.Current);
        Assert.Equal(["static api", "continued"], Probe.Of(Key).Select(r => r.What));
    }

    [Fact]
    public async Task The_background_job_client_from_add_hangfire_enqueues_engine_jobs()
    {
        var services = new ServiceCollection();
        services.AddHangfire(c => c.UseJobsStorage(TestDatabase.ConnectionString, new JobsStorageOptions { Schema = Schema.Name }));
        await using var provider = services.BuildServiceProvider();

        var id = provider.GetRequiredService<IBackgroundJobClient>().Enqueue<Greeter>(g => g.GreetAsync(Key, "DI"));
        provider.GetRequiredService<IRecurringJobManager>().AddOrUpdate("di-" + Key, () => StaticJobs.Record(Key, "r"), Cron.Daily());

        await StateAsync(id, JobState.Succeeded);
        Assert.Equal(["hello DI"], Probe.Of(Key).Select(r => r.What));
        Assert.NotNull(await Engine.Schedules.GetAsync("di-" + Key));
    }

    [Fact]
    public async Task The_engines_own_services_can_back_the_storage()
    {
        GlobalConfiguration.Configuration.UseJobsStorage(Engine.Services);

        var id = BackgroundJob.Enqueue(() => StaticJobs.Record(Key, "same engine"));

        await StateAsync(id, JobState.Succeeded);
    }

    [Fact]
    public async Task A_host_with_add_hangfire_server_beside_add_hangfire_jobs_does_not_start()
    {
        using var host = TestEngine.Build(Schema, jobs => jobs.AddHangfireJobs(), null, server: true,
            services => services.AddHangfire(c => c.UseJobsStorage(TestDatabase.ConnectionString, new JobsStorageOptions { Schema = Schema.Name }))
                .AddHangfireServer(), out _);

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());

        Assert.Contains("AddJobsServer().AddHangfireJobs()", e.Message);
        await host.StopAsync();
    }
}
