using Microsoft.AspNetCore.Http.HttpResults;
namespace Jobs.Dashboard.Apis;

/// <summary>
/// The API's error answers, all <c>application/problem+json</c> (RFC 9457). Validation errors carry
/// <c>errors</c> keyed by the JSON path of the field (<c>args.amount</c>, <c>[2].queue</c>).
/// </summary>
internal static class ApiProblems
{
    public static ProblemHttpResult Invalid(IDictionary<string, string[]> errors, string? detail = null) =>
        TypedResults.Problem(new HttpValidationProblemDetails(errors)
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "The request is not valid.",
            Detail = detail ?? string.Join(" ", errors.Take(3).Select(e => $"{e.Key}: {e.Value.FirstOrDefault()}")),
        });

    /// <summary>An <see cref="ArgumentException"/>'s message without the " (Parameter 'x')" the runtime appends.</summary>
    public static string MessageOf(ArgumentException e) =>
        e.ParamName is null ? e.Message : e.Message.Replace($" (Parameter '{e.ParamName}')", "", StringComparison.Ordinal);

    public static ProblemHttpResult Invalid(string field, string message) =>
        Invalid(new Dictionary<string, string[]> { [field] = [message] });

    public static ProblemHttpResult NotFound(long id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such job.",
            detail: $"There is no job {id} within this API key's kinds and queues.");

    public static ProblemHttpResult Forbidden(string detail, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Outside this API key's scope.", detail: detail,
            extensions: extensions);

    public static ProblemHttpResult Conflict(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The request conflicts with the job's state.", detail: detail);

    public static ProblemHttpResult TooLarge(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "The request is too large.", detail: detail);

    public static ProblemHttpResult UnsupportedMediaType() =>
        TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "The body must be JSON.",
            detail: "Send the body as JSON with 'Content-Type: application/json'.");
}
