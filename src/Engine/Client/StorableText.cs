using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace Jobs.Engine.Client;

/// <summary>
/// Text PostgreSQL can store. It refuses a NUL character (<c>\u0000</c>) in <c>text</c> and in
/// <c>jsonb</c>, and text that is not valid Unicode (half of a UTF-16 surrogate pair, bytes that are
/// not UTF-8); a statement carrying either fails as a whole. Enqueue paths check with these first, so
/// the caller learns which field holds it.
/// </summary>
public static class StorableText
{
    /// <summary>What keeps <paramref name="text"/> from being stored, as a phrase ("contains …"), or null when it can be.</summary>
    public static string? Problem(string? text)
    {
        if (text is null)
        {
            return null;
        }
        if (text.Contains('\0', StringComparison.Ordinal))
        {
            return NulProblem;
        }
        var span = text.AsSpan();
        for (var i = span.IndexOfAnyInRange('\ud800', '\udfff'); i >= 0 && i < span.Length; i++)
        {
            if (char.IsHighSurrogate(span[i]) && i + 1 < span.Length && char.IsLowSurrogate(span[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(span[i]))
            {
                return SurrogateProblem;
            }
        }
        return null;
    }

    /// <summary>
    /// The first string or property name in <paramref name="element"/> that cannot be stored: its path
    /// from the element (<c>note</c>, <c>lines[2].name</c>; empty for the element itself) and the problem,
    /// or null when all can be.
    /// </summary>
    public static (string Path, string Problem)? Find(JsonElement element) =>
        element.ValueKind == JsonValueKind.Undefined ? null : Find(JsonMarshal.GetRawUtf8Value(element));

    /// <summary>As <see cref="Find(JsonElement)"/>, over JSON text in UTF-8.</summary>
    internal static (string Path, string Problem)? Find(ReadOnlySpan<byte> json)
    {
        // One entry per open container: the token start of the current property name (objects) or
        // the index of the current element (arrays). Names are decoded only to report a problem.
        var path = new List<(bool Array, int At)>();
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 4096 });
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        path[^1] = (false, (int)reader.TokenStartIndex);
                        if (ProblemOf(ref reader) is { } nameProblem)
                        {
                            return (Format(json, path), "has a name that " + nameProblem);
                        }
                        break;
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        Next(path);
                        path.Add((reader.TokenType == JsonTokenType.StartArray, -1));
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        path.RemoveAt(path.Count - 1);
                        break;
                    case JsonTokenType.String:
                        Next(path);
                        if (ProblemOf(ref reader) is { } problem)
                        {
                            return (Format(json, path), problem);
                        }
                        break;
                    default:
                        Next(path);
                        break;
                }
            }
        }
        catch (JsonException e)
        {
            return (Format(json, path), "is not valid JSON: " + e.Message);
        }
        return null;
    }

    private const string NulProblem = "contains a NUL character (\\u0000), which PostgreSQL cannot store";

    private const string SurrogateProblem = "contains half of a UTF-16 surrogate pair, which is not Unicode text";

    private static string? ProblemOf(ref Utf8JsonReader reader)
    {
        // An unescaped string holds no control character (the reader refuses them), so only its bytes
        // can be wrong; an escaped one is decoded, which fails on an unpaired \uD800-\uDFFF.
        if (!reader.ValueIsEscaped)
        {
            return Utf8.IsValid(reader.ValueSpan) ? null : "is not valid UTF-8";
        }
        try
        {
            return reader.GetString()!.Contains('\0', StringComparison.Ordinal) ? NulProblem : null;
        }
        catch (InvalidOperationException)
        {
            return SurrogateProblem;
        }
    }

    private static void Next(List<(bool Array, int At)> path)
    {
        if (path.Count > 0 && path[^1].Array)
        {
            path[^1] = (true, path[^1].At + 1);
        }
    }

    private static string Format(ReadOnlySpan<byte> json, List<(bool Array, int At)> path)
    {
        var text = new StringBuilder();
        foreach (var (array, at) in path)
        {
            if (array)
            {
                text.Append('[').Append(Math.Max(at, 0)).Append(']');
            }
            else if (at >= 0)
            {
                var name = NameAt(json, at);
                if (name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '$'))
                {
                    text.Append(text.Length == 0 ? "" : ".").Append(name);
                }
                else
                {
                    // Shown escaped, so the path itself is printable.
                    text.Append('[').Append(JsonSerializer.Serialize(name)).Append(']');
                }
            }
        }
        return text.ToString();
    }

    private static string NameAt(ReadOnlySpan<byte> json, int tokenStart)
    {
        var reader = new Utf8JsonReader(json[tokenStart..]);
        try
        {
            return reader.Read() ? reader.GetString() ?? "" : "";
        }
        catch (Exception e) when (e is InvalidOperationException or JsonException)
        {
            return "?";
        }
    }
}
