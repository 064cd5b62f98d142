using System.Net;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Jobs.Dashboard.Tests.Api;

/// <summary>
/// Input the database cannot hold or the pages could not show is refused with a 400 naming the
/// field, before anything is stored, and without an error in the log.
/// </summary>
public sealed class BadInputApiTests : ApiTest
{
    [Theory]
    [InlineData("""{"kind": "diag.noop", "runAt": "9999-12-31T23:59:59.9999999Z"}""", "runAt")]
    [InlineData("""{"kind": "diag.noop", "runAt": "2099-01-01T00:00:00Z"}""", "runAt")]
    [InlineData("""{"kind": "diag.noop", "runAt": "1999-12-31T23:59:59Z"}""", "runAt")]
    [InlineData("""{"kind": "diag.noop", "delay": "P20000Y"}""", "delay")]
    [InlineData("""{"kind": "diag.noop", "delay": "3654.00:00:00"}""", "delay")]
    [InlineData("""{"kind": "diag.noop", "delaySeconds": 400000000}""", "delaySeconds")]
    [InlineData("""{"kind": "diag.noop", "delaySeconds": 1e400}""", "delaySeconds")]
    public async Task Run_times_outside_the_window_are_refused_naming_the_field(string json, string field)
    {
        var response = await Api.PostJsonAsync("/api/v1/jobs", json);

        await RefusedAsync(response, field);
    }

    [Fact]
    public async Task A_batch_with_a_job_due_in_a_thousand_years_stores_nothing_and_names_it()
    {
        var response = await Api.PostJsonAsync("/api/v1/jobs/batch", """[{"kind": "diag.noop"}, {"kind": "diag.noop", "delay": "P1000Y"}]""");

        await RefusedAsync(response, "[1].delay");
    }

    [Theory]
    [InlineData("[null]", "[0]")]
    [InlineData("""[{"kind": "diag.noop"}, null]""", "[1]")]
    public async Task A_batch_with_a_null_job_is_refused_naming_it(string json, string field)
    {
        var response = await Api.PostJsonAsync("/api/v1/jobs/batch", json);

        await RefusedAsync(response, field);
    }

    [Fact]
    public async Task A_run_time_without_an_offset_is_refused_as_the_docs_say()
    {
        var response = await Api.PostJsonAsync("/api/v1/jobs", """{"kind": "diag.noop", "runAt": "2030-01-01T00:00:00"}""");

        var problem = await RefusedAsync(response, "runAt");
        Assert.Contains("offset", problem.Error("runAt"));
    }

    [Theory]
    [InlineData("/api/v1/jobs", """{"kind": "diag.noop", "kind": "payment.capture"}""", "kind")]
    [InlineData("/api/v1/jobs", """{"kind": "diag.noop", "Kind": "payment.capture"}""", "Kind")]
    [InlineData("/api/v1/jobs", """{"kind": "diag.noop", "args": {"a": 1, "a": 2}}""", "args")]
    [InlineData("/api/v1/jobs", """{"kind": "diag.noop", "metadata": {"order": "A", "order": "B"}}""", "metadata.order")]
    [InlineData("/api/v1/jobs/batch", """[{"kind": "diag.noop", "queue": "a", "queue": "b"}]""", "[0].queue")]
    [InlineData("/api/v1/jobs/requeue", """{"states": ["dead"], "states": ["succeeded"]}""", "states")]
    [InlineData("/api/v1/webhooks/messages", """{"eventType": "a", "payload": {}, "payload": {"x": 1}}""", "payload")]
    public async Task A_field_given_twice_is_refused(string path, string json, string field)
    {
        var response = await Api.PostJsonAsync(path, json);

        var problem = await RefusedAsync(response, field);
        Assert.Contains("more than once", problem.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("""{"kind": "diag.noop\u0000"}""", "kind")]
    [InlineData("""{"kind": "diag.noop", "args": {"note": "a\u0000b"}}""", "args.note")]
    [InlineData("""{"kind": "diag.noop", "args": {"lines": [{"n\u0000": 1}]}}""", "args.lines[0]")]
    [InlineData("""{"kind": "diag.noop", "args": {"note": "\ud800"}}""", "args.note")]
    [InlineData("""{"kind": "diag.noop", "tags": ["ok", "a\u0000"]}""", "tags")]
    [InlineData("""{"kind": "diag.noop", "idempotencyKey": "k\u0000"}""", "idempotencyKey")]
    [InlineData("""{"kind": "diag.noop", "metadata": {"order": "\u0000"}}""", "metadata")]
    [InlineData("""{"kind": "diag.noop", "metadata": {"\u0000": "x"}}""", "metadata")]
    [InlineData("""{"kind": "diag.noop", "partitionKey": "\u0000"}""", "partitionKey")]
    [InlineData("""{"kind": "diag.noop", "correlationId": "c\u0000"}""", "correlationId")]
    [InlineData("""{"kind": "diag.noop", "queue": "q\u0000"}""", "queue")]
    public async Task A_nul_character_anywhere_in_a_job_is_refused_naming_the_field(string json, string field)
    {
        var response = await Api.PostJsonAsync("/api/v1/jobs", json);

        var problem = await RefusedAsync(response, field);
        Assert.DoesNotContain("Npgsql", problem.ToString());
    }

    [Fact]
    public async Task A_nul_character_in_the_idempotency_key_header_is_refused_naming_it()
    {
        var response = await Api.PostJsonAsync("/api/v1/jobs", """{"kind": "diag.noop"}""",
            r => r.Headers.TryAddWithoutValidation("Idempotency-Key", "key\0"));

        await RefusedAsync(response, "Idempotency-Key");
    }

    [Fact]
    public async Task Arguments_that_are_not_utf8_are_refused()
    {
        var bytes = Encoding.UTF8.GetBytes("""{"kind": "diag.noop", "args": {"note": "??"}}""");
        var at = Array.IndexOf(bytes, (byte)'?');
        bytes[at] = 0xff;
        bytes[at + 1] = 0xfe;
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new("application/json");

        var response = await Api.PostAsync("/api/v1/jobs", content);

        await RefusedAsync(response, "args.note");
    }

    [Theory]
    [InlineData("""{"eventType": "invoice.paid\u0000", "payload": {}}""", "eventType")]
    [InlineData("""{"eventType": "invoice.paid", "payload": {"note": "\u0000"}}""", "payload.note")]
    [InlineData("""{"eventType": "invoice.paid", "payload": {"\u0000": 1}}""", "payload")]
    [InlineData("""{"eventType": "invoice.paid", "payload": {}, "messageId": "m\u0000"}""", "messageId")]
    public async Task A_nul_character_in_a_webhook_message_is_refused_naming_the_field(string json, string field)
    {
        var response = await Api.PostJsonAsync("/api/v1/webhooks/messages", json);

        await RefusedAsync(response, field);
    }

    [Theory]
    [InlineData("tag=a%00b", "tag")]
    [InlineData("search=%00", "search")]
    [InlineData("kind=diag.noop,x%00", "kind")]
    [InlineData("queue=%00", "queue")]
    [InlineData("partitionKey=%00", "partitionKey")]
    [InlineData("correlationId=%00", "correlationId")]
    [InlineData("lastError=%00", "lastError")]
    [InlineData("createdFrom=garbage", "createdFrom")]
    [InlineData("finishedTo=31/12/2026", "finishedTo")]
    public async Task A_list_filter_that_cannot_be_searched_for_is_refused_naming_the_parameter(string query, string parameter)
    {
        var response = await Api.GetAsync("/api/v1/jobs?" + query);

        await RefusedAsync(response, parameter);
    }

    [Theory]
    [InlineData("""{"tag": "\u0000"}""", "tag")]
    [InlineData("""{"kinds": ["diag.noop", "\u0000"]}""", "kinds")]
    [InlineData("""{"lastError": "x\u0000"}""", "lastError")]
    [InlineData("""{"states": ["dead"], "createdFrom": "2026-01-01T00:00:00"}""", "createdFrom")]
    public async Task A_requeue_filter_that_cannot_be_searched_for_is_refused_naming_the_field(string json, string field)
    {
        var response = await Api.PostJsonAsync("/api/v1/jobs/requeue", json);

        await RefusedAsync(response, field);
    }

    [Fact]
    public async Task A_job_has_at_most_20_tags_of_at_most_100_characters()
    {
        var tags = string.Join(", ", Enumerable.Range(1, 21).Select(i => $"\"t{i}\""));

        var many = await Api.PostJsonAsync("/api/v1/jobs", $$"""{"kind": "diag.noop", "tags": [{{tags}}]}""");
        Assert.Contains("20", (await RefusedAsync(many, "tags")).Error("tags"));
        await RefusedAsync(await Api.PostJsonAsync("/api/v1/jobs", $$"""{"kind": "diag.noop", "tags": ["{{new string('t', 101)}}"]}"""), "tags");

        var twenty = await Api.PostJsonAsync("/api/v1/jobs", $$"""{"kind": "diag.noop", "tags": [{{string.Join(", ", Enumerable.Range(1, 20).Select(i => $"\"t{i}\""))}}]}""");
        Assert.Equal(HttpStatusCode.Created, twenty.StatusCode);
    }

    /// <summary>
    /// A 400 problem naming <paramref name="field"/> (or a place within it, such as <c>args.lines[0]["n\u0000"]</c>),
    /// with nothing stored and nothing logged as an error.
    /// </summary>
    private async Task<System.Text.Json.JsonElement> RefusedAsync(HttpResponseMessage response, string field)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {body}");
        var problem = await response.ProblemAsync();
        Assert.Contains(problem.ErrorKeys(), k => k == field || k.StartsWith(field + "[", StringComparison.Ordinal));
        Assert.Equal(0, await Host.Schema.ScalarAsync<long>("select count(*) from {s}.job"));
        Assert.DoesNotContain(Host.Logs.Lines, l => l.Level >= LogLevel.Error);
        return problem;
    }
}
