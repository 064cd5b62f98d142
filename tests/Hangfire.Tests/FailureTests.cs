using Hangfire;
using Hangfire.Common;
using Hangfire.States;
using Jobs.Engine.Client;
using Jobs.Engine.States;

namespace Jobs.Hangfire.Tests;

/// <summary>What cannot run ends dead with its reason; what the storage cannot do says so.</summary>
public sealed class FailureTests : HangfireTestBase
{
    [Fact]
    public async Task A_job_whose_method_was_renamed_is_dead_at_once_naming_the_type_and_method()
    {
        var id = Client.Schedule(() => StaticJobs.WillBeRenamed(Key), TimeSpan.FromHours(1));
        // As if the method had been renamed in a later deploy: the stored call names a method that is gone.
        await Schema.ExecuteAsync("update {s}.job set args = jsonb_set(args, '{method}', '\"NoLongerThere\"') where id = @id", new { id = Id(id) });
        // Hangfire's client cannot load the job any more either; its requeue still hands it to the engine.
        Assert.False(Client.Requeue(id));

        var dead = await StateAsync(id, JobState.Dead);

        Assert.Equal(1, dead.Attempt);
        var error = Assert.Single(dead.Errors);
        Assert.Equal(typeof(Engine.Handlers.PermanentJobFailureException).FullName, error.Type);
        Assert.Contains("StaticJobs", error.Error);
        Assert.Contains("NoLongerThere", error.Error);
        Assert.Empty(Probe.Of(Key));
    }

    [Fact]
    public async Task A_job_whose_arguments_no_longer_deserialize_is_dead_naming_the_type_and_method()
    {
        var id = Client.Schedule(() => StaticJobs.Numbered(Key, 7), TimeSpan.FromHours(1));
        await Schema.ExecuteAsync("update {s}.job set args = jsonb_set(args, '{arguments,1}', '\"\\\"seven\\\"\"') where id = @id", new { id = Id(id) });
        Assert.True(await Jobs.RequeueAsync(Id(id)));

        var dead = await StateAsync(id, JobState.Dead);

        var error = Assert.Single(dead.Errors).Error;
        Assert.Contains("StaticJobs", error);
        Assert.Contains("Numbered", error);
        Assert.Empty(Probe.Of(Key));
    }

    [Fact]
    public void Apis_the_storage_cannot_honour_throw_not_supported_naming_them()
    {
        using var connection = Storage.GetConnection();
        var set = Assert.Throws<NotSupportedException>(() => connection.GetAllItemsFromSet("my-extension-set"));
        Assert.Contains("GetAllItemsFromSet('my-extension-set')", set.Message);
        using var transaction = connection.CreateWriteTransaction();
        var list = Assert.Throws<NotSupportedException>(() => transaction.InsertToList("my-list", "x"));
        Assert.Contains("InsertToList('my-list')", list.Message);

        var deleted = Assert.Throws<BackgroundJobClientException>(() => Client.Create(Job.FromExpression(() => StaticJobs.Record(Key, "x")),
            new DeletedState()));
        Assert.Contains("Deleted state", Assert.IsType<NotSupportedException>(deleted.InnerException).Message);

        var parent = Client.Schedule(() => StaticJobs.Record(Key, "parent"), TimeSpan.FromHours(1));
        var onlyDeleted = Assert.Throws<BackgroundJobClientException>(() =>
            Client.ContinueJobWith(parent, () => StaticJobs.Record(Key, "x"), JobContinuationOptions.OnlyOnDeletedState));
        Assert.Contains("OnlyOnDeletedState", onlyDeleted.InnerException!.Message);

        var reschedule = Assert.Throws<BackgroundJobClientException>(() => Client.Reschedule(parent, TimeSpan.FromMinutes(5)));
        Assert.Contains("Scheduled state", reschedule.InnerException!.Message);
    }

    [Fact]
    public void Hangfires_own_server_refuses_the_storage_naming_the_line_to_use()
    {
        var e = Assert.Throws<InvalidOperationException>(() => new BackgroundJobServer(new BackgroundJobServerOptions(), Storage));

        Assert.Contains("AddJobsServer().AddHangfireJobs()", e.Message);
    }

    [Fact]
    public async Task Jobs_of_other_kinds_read_through_the_storage_say_what_they_are()
    {
        var native = await Jobs.EnqueueAsync(new JobRequest("invoice.send", System.Text.Json.JsonDocument.Parse("{\"id\": 1}").RootElement,
            new EnqueueOptions { Delay = TimeSpan.FromHours(1) }));

        var data = Storage.GetConnection().GetJobData(native.Id.ToString(System.Globalization.CultureInfo.InvariantCulture))!;

        Assert.Equal("Scheduled", data.State);
        Assert.Null(data.LoadException);
        Assert.Equal(["invoice.send", "{\"id\": 1}"], data.Job!.Args.Cast<string>());
        // Hangfire's state changer can act on it (it refuses jobs whose method it cannot find): Delete cancels it.
        Assert.True(Client.Delete(native.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(JobState.Cancelled, (await Jobs.GetAsync(native.Id))!.State);
    }
}
