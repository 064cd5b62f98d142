using Jobs.Engine.Handlers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Jobs.Engine.Tests.Server;

public sealed class KindPolicyTests
{
    private static JobKindRegistry Registry(Action<JobKindOptions> code, Dictionary<string, string?> settings)
    {
        var registration = JobKindRegistration.Create<FailHandler, FailArgs>(new JobKindOptions());
        code(registration.Options);
        return new JobKindRegistry([registration], new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
    }

    [Fact]
    public void Configuration_overrides_the_policy_from_code_and_a_retry_schedule_replaces_it()
    {
        var registry = Registry(o =>
        {
            o.MaxAttempts = 3;
            o.Timeout = TimeSpan.FromSeconds(5);
            o.Retry = new RetryOptions { Schedule = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)] };
        }, new()
        {
            ["Jobs:Kinds:test.fail:MaxAttempts"] = "9",
            ["Jobs:Kinds:test.fail:Retry:Schedule:0"] = "00:00:30",
        });

        registry.TryGet("test.fail", out var kind);
        Assert.Equal(9, kind.Options.MaxAttempts);
        Assert.Equal(TimeSpan.FromSeconds(5), kind.Options.Timeout);
        Assert.Equal([TimeSpan.FromSeconds(30)], kind.Options.Retry!.Schedule);
    }

    [Fact]
    public void An_invalid_policy_in_configuration_stops_start_naming_the_kind_and_key()
    {
        var error = Assert.Throws<OptionsValidationException>(() =>
            Registry(_ => { }, new() { ["Jobs:Kinds:test.fail:MaxAttempts"] = "0" }));

        Assert.Contains("Jobs:Kinds:test.fail:MaxAttempts", error.Message);
    }
}
