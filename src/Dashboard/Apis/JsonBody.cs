using Microsoft.AspNetCore.Http.HttpResults;
using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Features;

namespace Jobs.Dashboard.Apis;

/// <summary>
/// Reads a request body as JSON within a size limit, answering every failure as problem+json: a
/// body over the limit is 413 (by its Content-Length before reading, or as soon as the bytes read
/// pass the limit), a body that is not JSON or does not fit the shape is 400 naming the JSON path.
/// Reading it here rather than by parameter binding is what keeps those answers out of Kestrel's
/// bare 413 and the framework's bare 400.
/// </summary>
internal static class JsonBody
{
    /// <summary>
    /// Web conventions (camelCase, any letter case when reading). Unknown fields are refused so a typo
    /// is not silently ignored, and so is a field given twice (in the arguments and metadata too), which
    /// readers disagree on; times must carry their offset.
    /// </summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        AllowDuplicateProperties = false,
        Converters = { new OffsetTimeConverter() },
    };

    public static async Task<(T? Value, ProblemHttpResult? Problem)> ReadAsync<T>(HttpContext http, long limit, CancellationToken cancellationToken)
        where T : class
    {
        var request = http.Request;
        if (!request.HasJsonContentType())
        {
            return (null, ApiProblems.UnsupportedMediaType());
        }
        // Kestrel enforces this too (its default is 30 MB); the limit is per endpoint.
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = limit;
        }
        if (request.ContentLength > limit)
        {
            return (null, TooLarge(limit));
        }

        var buffer = new ArrayBufferWriter<byte>((int)Math.Min(request.ContentLength ?? 4096, limit) + 1);
        try
        {
            while (true)
            {
                var read = await request.Body.ReadAsync(buffer.GetMemory(8192), cancellationToken);
                if (read == 0)
                {
                    break;
                }
                buffer.Advance(read);
                if (buffer.WrittenCount > limit)
                {
                    return (null, TooLarge(limit));
                }
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, TooLarge(limit));
        }

        if (buffer.WrittenCount == 0)
        {
            return (null, ApiProblems.Invalid("$", "The body is empty; send a JSON document."));
        }
        try
        {
            return JsonSerializer.Deserialize<T>(buffer.WrittenSpan, Options) is { } value
                ? (value, null)
                : (null, ApiProblems.Invalid("$", "The body is null; send a JSON document."));
        }
        catch (JsonException e)
        {
            return (null, ApiProblems.Invalid(Field(e.Path), Describe(e)));
        }
    }

    /// <summary>A JSON path (<c>$.args.amount</c>, <c>$[2].queue</c>) as an error key (<c>args.amount</c>, <c>[2].queue</c>).</summary>
    public static string Field(string? path) => path switch
    {
        null or "" or "$" => "$",
        _ when path.StartsWith("$.", StringComparison.Ordinal) => path[2..],
        _ when path.StartsWith('$') => path[1..],
        _ => path,
    };

    /// <summary>A path within a field (<c>note</c>, <c>[2].name</c>, or empty) as an error key: <c>args.note</c>, <c>args[2].name</c>, <c>args</c>.</summary>
    public static string Under(string field, string path) => path.Length == 0 || path[0] == '[' ? field + path : field + "." + path;

    private static string Describe(JsonException e)
    {
        // The serializer's messages name .NET types, which mean nothing to a caller in another
        // language; the reader's (malformed JSON) name the line and byte, which help.
        if (e.Message.StartsWith("The JSON value could not be converted", StringComparison.Ordinal))
        {
            return $"The value has the wrong type or format (line {e.LineNumber + 1}, byte {e.BytePositionInLine}).";
        }
        if (e.Message.StartsWith("The JSON property '", StringComparison.Ordinal) && e.Message.Split('\'') is [_, var name, ..])
        {
            return $"'{name}' is not a field of this request.";
        }
        if (e.Message.StartsWith("Duplicate propert", StringComparison.Ordinal))
        {
            return e.Message.Split('\'') is [_, var twice, ..]
                ? $"'{twice}' is given more than once; give each field once."
                : "A field is given more than once; give each field once.";
        }
        return e.Message;
    }

    private static ProblemHttpResult TooLarge(long limit) =>
        ApiProblems.TooLarge($"The body is larger than this endpoint's limit of {limit:N0} bytes.");
}
