using System.Text.Json;
using Jobs.Engine.Client;
using Jobs.Engine.Handlers;
using Microsoft.Extensions.DependencyInjection;

namespace Jobs.Engine.Tests.Client;

public sealed class ArgsValidationTests
{
    private readonly JobKindCatalog _catalog = new ServiceCollection().AddJobsEngine().AddHandler<InvoiceHandler, InvoiceArgs>()
        .Services.BuildServiceProvider().GetRequiredService<JobKindCatalog>();

    [Fact]
    public void Arguments_that_bind_have_no_problems()
    {
        Assert.Empty(_catalog.Validate("test.invoice", Json("""{"invoiceId": 7, "email": "a@example.com", "channel": "Sms", "lines": [1, 2]}""")));
        Assert.Empty(_catalog.Validate("test.invoice", Json("""{"INVOICEID": "7", "email": "a@example.com", "unknown": true}""")));
    }

    [Fact]
    public void Every_missing_required_field_is_named_by_its_path()
    {
        var problems = _catalog.Validate("test.invoice", Json("{}"));

        Assert.Equal(["$.invoiceId", "$.email"], problems.Select(p => p.Path));
        Assert.Equal("invoiceId is required (a whole number).", problems[0].Message);
        Assert.Equal("email is required (a string).", problems[1].Message);
    }

    [Theory]
    [InlineData("""{"invoiceId": "seven", "email": "a@example.com"}""", "$.invoiceId", "invoiceId must be a whole number.")]
    [InlineData("""{"invoiceId": 7, "email": null}""", "$.email", "email must not be null (a string).")]
    [InlineData("""{"invoiceId": 7, "email": "a@example.com", "urgent": "yes"}""", "$.urgent", "urgent must be true or false.")]
    [InlineData("""{"invoiceId": 7, "email": "a@example.com", "channel": "Pigeon"}""", "$.channel", "channel must be one of Email, Sms.")]
    [InlineData("""{"invoiceId": 7, "email": "a@example.com", "lines": 3}""", "$.lines", "lines must be an array.")]
    public void A_field_of_the_wrong_type_is_named_with_what_was_expected(string args, string path, string message)
    {
        var problem = Assert.Single(_catalog.Validate("test.invoice", Json(args)));

        Assert.Equal(path, problem.Path);
        Assert.Equal(message, problem.Message);
    }

    [Fact]
    public void Arguments_that_are_not_an_object_are_refused_and_an_unknown_kind_throws()
    {
        Assert.Equal("$", Assert.Single(_catalog.Validate("test.invoice", Json("[1]"))).Path);
        Assert.Throws<KeyNotFoundException>(() => _catalog.Validate("test.nope", Json("{}")));
    }

    [Fact]
    public void A_request_validates_its_options_without_enqueueing_naming_the_option()
    {
        var bad = new JobRequest("test.invoice", Json("{}"), new EnqueueOptions { MaxAttempts = 0 });
        var good = new JobRequest("test.invoice", Json("{}"), new EnqueueOptions { Queue = "mail", Delay = TimeSpan.FromSeconds(5) });

        Assert.Equal(nameof(EnqueueOptions.MaxAttempts), Assert.Throws<ArgumentException>(bad.Validate).ParamName);
        Assert.Equal(nameof(EnqueueOptions.RunAt),
            Assert.Throws<ArgumentException>((good with { Options = good.Options! with { RunAt = DateTimeOffset.UtcNow } }).Validate).ParamName);
        good.Validate();
    }

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();

    public enum Channel
    {
        Email,
        Sms,
    }

    public sealed record InvoiceArgs(long InvoiceId, string Email, bool Urgent = false, Channel Channel = Channel.Email, int[]? Lines = null) : IJobArgs
    {
        public static string Kind => "test.invoice";
    }

    public sealed class InvoiceHandler : IJobHandler<InvoiceArgs>
    {
        public Task ExecuteAsync(JobContext<InvoiceArgs> job, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
