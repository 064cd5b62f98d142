using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Jobs.Dashboard.Tests.Api;

/// <summary>One API route as the app declares it, with what its OpenAPI document says it takes.</summary>
/// <param name="Method">The HTTP method.</param>
/// <param name="Template">The route template, e.g. <c>/api/v1/jobs/{id:long}</c>.</param>
/// <param name="Query">The query parameters the document names.</param>
/// <param name="Body">The schema of its JSON body, when it takes one.</param>
public sealed record ApiRoute(string Method, string Template, IReadOnlyList<string> Query, JsonElement? Body)
{
    public override string ToString() => $"{Method} {Template}";
}

/// <summary>A generated request, kept as data so a failure can print exactly what was sent.</summary>
public sealed record HostileRequest(string Method, string Path, string? ContentType, byte[]? Body, IReadOnlyList<(string Name, string Value)> Headers, string What)
{
    public HttpRequestMessage ToMessage()
    {
        var message = new HttpRequestMessage(new HttpMethod(Method), Path);
        if (Body is not null)
        {
            message.Content = new ByteArrayContent(Body);
            if (ContentType is not null)
            {
                message.Content.Headers.TryAddWithoutValidation("Content-Type", ContentType);
            }
        }
        foreach (var (name, value) in Headers)
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }
        return message;
    }

    public override string ToString()
    {
        var body = Body is null ? "(none)" : Body.Length > 600 ? $"{Show(Body[..600])}… ({Body.Length:N0} bytes)" : Show(Body);
        var headers = string.Join("; ", Headers.Select(h => $"{h.Name}: {Escape(h.Value)}"));
        return $"{What}: {Method} {Path}\n  content-type: {ContentType ?? "(none)"}; headers: {(headers.Length == 0 ? "(none)" : headers)}\n  body: {body}";
    }

    private static string Show(byte[] bytes) => Escape(Encoding.UTF8.GetString(bytes));

    private static string Escape(string text) => Regex.Replace(text, @"[\x00-\x1f\ud800-\udfff\ufffd]", m => $"\\u{(int)m.Value[0]:x4}");
}

/// <summary>
/// Makes malformed and hostile requests for a route from a seeded <see cref="Random"/>: random JSON
/// shapes and types, fields of the route's schema with wrong, huge or odd values, missing and doubled
/// fields, odd Unicode (NUL, unpaired surrogates, direction overrides), deep nesting, broken JSON, bytes
/// that are not UTF-8, empty and oversized bodies, wrong content types, odd headers and route ids.
/// </summary>
public sealed class HostileRequests(Random random, JsonElement document, IReadOnlyList<string> kinds, IReadOnlyList<long> ids)
{
    private static readonly string[] Strings =
    [
        "", " ", "a", "\0", "a\0b", "\ud800", "x\udc00", "\ud83d\ude00", "\u202eevil", "\u200b", "e\u0301", "\ufeff", "\uffff",
        "<script>alert(1)</script>", "' or 1=1 --", "%00", "\\", "\"", "null", "NaN", "-1", "1e400", "\r\n", "\t", "\u00a0",
        "9999-12-31T23:59:59.9999999Z", "2030-01-01T00:00:00", "0001-01-01T00:00:00+14:00", "P20000Y", "00:05:00", "-00:00:01",
        "dead", "succeeded", "default", "webhooks", "invoice.paid", "🤷‍♀️", new string('x', 300), new string('y', 70_000),
    ];

    /// <summary>What the database cannot store or the pages could not show, to be tried in every field.</summary>
    private static readonly string[] Nasty =
    [
        "\0", "a\0b", "\ud800", "x\udc00", "\udbff\u0000", "9999-12-31T23:59:59.9999999Z", "0001-01-01T00:00:00Z", "P20000Y", "10675199.02:48:05",
        "1999-12-31T23:59:59Z", "2030-01-01T00:00:00", new string('z', 513),
    ];

    private static readonly string[] Numbers =
    [
        "0", "-0", "1", "-1", "1.5", "1e400", "-1e400", "1e-400", "9223372036854775807", "9223372036854775808", "-9223372036854775809",
        "2147483648", "32768", "-32769", "400000000", "1e9", "3.14159265358979323846264338327950288419716939937510", "1E2",
        "100000000000000000000000000000000000000000000000000",
    ];

    // Not %00 nor %2e%2e: Kestrel refuses a NUL in the path itself (the test host throws instead), and a
    // dot segment takes the request out of /api.
    private static readonly string[] Ids =
    [
        "0", "-1", "9223372036854775807", "9223372036854775808", "abc", "1.5", "%F0%9F%98%80", "1e3", "%20", "00001", "+1",
        "%ZZ", "%C3%28", "%ED%A0%80", new string('9', 400),
    ];

    private static readonly string[] ContentTypes =
    [
        "text/plain", "application/xml", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded", "application/json; charset=utf-16",
        "application/problem+json", "application/json; charset=latin1", "application/jsonx", "*/*", "application/json; =",
    ];

    private static readonly string[] Malformed =
    [
        "{", "}", "[", "{\"kind\": }", "{\"kind\": \"diag.noop\",}", "{'kind': 'diag.noop'}", "{\"kind\": NaN}", "{\"kind\": Infinity}",
        "{\"kind\": \"diag.noop\"} trailing", "{\"kind\": \"diag.noop\" /* comment */}", "{\"kind\": \"a\nb\"}", "{\"kind\": \"\\x41\"}",
        "{\"kind\": \"\\u12\"}", "\"unterminated", "{\"a\":1}{\"b\":2}", "nul", "tru", "01", "-", "{\"kind\": 1.}", "\u0000",
    ];

    /// <summary>
    /// A request for <paramref name="route"/>; <paramref name="oversized"/> makes its body larger than
    /// any endpoint's limit. Half the requests with a body are sound but for one field, and carry no
    /// other oddity, so that the odd value reaches as deep as it can; the others pile oddities up.
    /// </summary>
    public HostileRequest For(ApiRoute route, bool oversized = false)
    {
        if (route.Body is { } schema && !oversized && Chance(0.5))
        {
            var (json, field) = Poisoned(schema);
            return new HostileRequest(route.Method, PathFor(route.Template), "application/json", Utf8(json), [],
                $"a sound request but for its field {field}");
        }
        var headers = new List<(string, string)>();
        var notes = new List<string>();
        var method = route.Method;
        if (Chance(0.04))
        {
            method = Pick(["PUT", "PATCH", "OPTIONS", "POST", "GET", "DELETE"]);
            notes.Add("another method");
        }
        var path = PathFor(route.Template) + QueryFor(route);
        if (Chance(0.15))
        {
            headers.Add(("Idempotency-Key", HeaderValue()));
        }
        if (Chance(0.15))
        {
            headers.Add(("X-Correlation-ID", HeaderValue()));
        }
        if (Chance(0.05))
        {
            headers.Add(("Accept", Pick(["text/html", "application/xml", "*/*;q=oops", "\u0001"])));
        }

        if (route.Body is null && !Chance(0.1))
        {
            return new HostileRequest(method, path, null, null, headers, string.Join(", ", notes.Prepend("no body")));
        }
        var (contentType, body, what) = oversized ? Oversized(route) : BodyFor(route.Body);
        notes.Insert(0, what);
        if (Chance(0.12))
        {
            contentType = Pick(ContentTypes);
            notes.Add("content type " + contentType);
            if (contentType.Contains("utf-16", StringComparison.Ordinal))
            {
                body = Encoding.Unicode.GetBytes(Encoding.UTF8.GetString(body));
            }
        }
        else if (Chance(0.04))
        {
            contentType = null;
            notes.Add("no content type");
        }
        return new HostileRequest(method, path, contentType, body, headers, string.Join(", ", notes));
    }

    private static (string?, byte[], string) Oversized(ApiRoute route)
    {
        // Past the limits of one job (256 KiB) and of a batch (8 MiB).
        var batch = route.Template.EndsWith("batch", StringComparison.Ordinal);
        var size = batch ? 9 * 1024 * 1024 : 300 * 1024;
        var json = $"{{\"kind\": \"diag.noop\", \"metadata\": {{\"pad\": \"{new string('p', size)}\"}}}}";
        return ("application/json", Utf8(batch ? $"[{json}]" : json), $"an oversized body ({size:N0} bytes)");
    }

    private (string?, byte[], string) BodyFor(JsonElement? schema)
    {
        var roll = random.NextDouble();
        if (schema is { } s && roll < 0.4)
        {
            return ("application/json", Utf8(Value(s, 0, mutate: 0.25)), "the schema's shape, mutated");
        }
        if (roll < 0.55)
        {
            return ("application/json", Utf8(RandomJson(0)), "a random JSON value");
        }
        if (roll < 0.67)
        {
            return ("application/json", Utf8(Pick(Malformed)), "malformed JSON");
        }
        if (roll < 0.74)
        {
            return ("application/json", Utf8(Pick(["", " ", "\n", "null", "\"\"", "[]", "{}", "0", "[null]", "[{\"kind\": \"diag.noop\"}, null]"])), "an empty or null body");
        }
        if (roll < 0.84)
        {
            var depth = Pick([65, 70, 200, 5000]);
            var open = Chance(0.5) ? "{\"a\":" : "[";
            var close = open == "[" ? "]" : "}";
            var inner = string.Concat(Enumerable.Repeat(open, depth)) + "1" + string.Concat(Enumerable.Repeat(close, depth));
            return ("application/json", Utf8(Chance(0.5) ? inner : $"{{\"kind\": \"diag.noop\", \"args\": {{\"deep\": {inner}}}}}"), $"nesting {depth} deep");
        }
        if (roll < 0.92)
        {
            var bytes = Utf8(schema is { } shape ? Value(shape, 0, mutate: 0.1) : RandomJson(0)).ToList();
            var what = "bytes that are not UTF-8";
            switch (random.Next(3))
            {
                case 0:
                    bytes.InsertRange(0, [0xef, 0xbb, 0xbf]);
                    what = "a byte order mark";
                    break;
                case 1:
                    var quote = bytes.LastIndexOf((byte)'"');
                    bytes.InsertRange(Math.Max(0, quote), [0xff, 0xc3, 0x28, 0xed, 0xa0, 0x80]);
                    break;
                default:
                    bytes.Insert(random.Next(bytes.Count + 1), (byte)random.Next(0, 32));
                    what = "a raw control byte";
                    break;
            }
            return ("application/json", bytes.ToArray(), what);
        }
        // The schema's shape with hostile text in every string.
        return ("application/json", Utf8(Value(schema ?? default, 0, mutate: 0.05, hostileText: true)), "hostile text in every field");
    }

    /// <summary>JSON text for a schema, written by hand so that fields can be doubled and strings can hold what a serializer refuses.</summary>
    private string Value(JsonElement schema, int depth, double mutate, bool hostileText = false, string? name = null)
    {
        if (schema.ValueKind != JsonValueKind.Object || depth > 6)
        {
            return RandomJson(depth);
        }
        schema = Resolve(schema);
        if (Chance(mutate))
        {
            return RandomJson(depth);
        }
        var types = schema.TryGetProperty("type", out var type)
            ? type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Select(t => t.GetString()!).ToArray() : [type.GetString()!]
            : ["object"];
        var chosen = Pick(types.Length > 1 && types.Contains("null") && !Chance(0.1) ? types.Where(t => t != "null").ToArray() : types);
        switch (chosen)
        {
            case "null":
                return "null";
            case "boolean":
                return Chance(0.5) ? "true" : "false";
            case "integer" or "number":
                return Chance(0.5) ? Pick(Numbers) : random.Next(-5, 100).ToString(CultureInfo.InvariantCulture);
            case "string":
                return Quote(hostileText ? Text() : StringFor(name, schema));
            case "array":
                var count = Chance(0.1) ? 25 : random.Next(0, 5);
                var item = schema.TryGetProperty("items", out var items) ? items : default;
                return "[" + string.Join(",", Enumerable.Range(0, count).Select(_ => Value(item, depth + 1, mutate, hostileText, name))) + "]";
            default:
                if (name is "args" or "payload")
                {
                    return ArgsFor(depth + 1, hostileText);
                }
                if (!schema.TryGetProperty("properties", out var properties))
                {
                    return schema.TryGetProperty("additionalProperties", out var values)
                        ? "{" + string.Join(",", Enumerable.Range(0, random.Next(0, 4)).Select(_ => $"{Quote(hostileText ? Text() : Word())}:{Value(values, depth + 1, mutate, hostileText)}")) + "}"
                        : RandomJson(depth);
                }
                var fields = new List<string>();
                foreach (var property in properties.EnumerateObject())
                {
                    if (!Chance(0.8) && property.Name != "kind")
                    {
                        continue; // a missing field
                    }
                    var field = $"{Quote(property.Name)}:{Value(property.Value, depth + 1, mutate, hostileText, property.Name)}";
                    fields.Add(field);
                    if (Chance(0.05))
                    {
                        fields.Add($"{Quote(Chance(0.5) ? property.Name : property.Name.ToUpperInvariant())}:{Value(property.Value, depth + 1, mutate, hostileText, property.Name)}");
                    }
                }
                if (Chance(0.08))
                {
                    fields.Add($"{Quote(Pick(["maxAtempts", "\0", "\ud800", "", "__proto__", "constructor"]))}:{RandomJson(depth + 1)}");
                }
                fields = fields.OrderBy(_ => random.Next()).ToList();
                return "{" + string.Join(",", fields) + "}";
        }
    }

    /// <summary>
    /// For a route with a body, a request per field of its schema and per odd value: a sound request
    /// (a known kind, nothing else) with that one field holding the value, as the field's type would
    /// carry it (a string, an item of a list, a name and a value in an object, a number). Together with
    /// the random requests, every field meets every value the database cannot store.
    /// </summary>
    public IEnumerable<HostileRequest> EveryFieldPoisoned(ApiRoute route)
    {
        if (route.Body is not { } body)
        {
            yield break;
        }
        var schema = Resolve(body);
        var batch = schema.TryGetProperty("items", out var items);
        var shape = batch ? Resolve(items) : schema;
        if (!shape.TryGetProperty("properties", out var properties))
        {
            yield break;
        }
        var basics = new Dictionary<string, string> { ["kind"] = "\"diag.noop\"", ["eventType"] = "\"invoice.paid\"", ["payload"] = "{}" };
        foreach (var property in properties.EnumerateObject())
        {
            var types = Resolve(property.Value).TryGetProperty("type", out var type) ? type.ToString() : "object";
            var numeric = types.Contains("integer", StringComparison.Ordinal) || types.Contains("number", StringComparison.Ordinal);
            var values = numeric ? Numbers.Select(n => (n, n))
                : property.Name is "args" or "payload" or "metadata" || !types.Contains("string", StringComparison.Ordinal) && types.Contains("object", StringComparison.Ordinal)
                    ? Nasty.SelectMany(n => new[] { ($"{{\"note\": {Quote(n)}}}", n), ($"{{{Quote(n)}: \"x\"}}", n) })
                : types.Contains("array", StringComparison.Ordinal) ? Nasty.Select(n => ($"[{Quote(n)}]", n))
                : Nasty.Select(n => (Quote(n), n));
            foreach (var (json, nasty) in values)
            {
                var fields = basics.Where(b => properties.TryGetProperty(b.Key, out _) && b.Key != property.Name)
                    .Select(b => $"{Quote(b.Key)}:{b.Value}").Append($"{Quote(property.Name)}:{json}");
                var job = "{" + string.Join(",", fields) + "}";
                yield return new HostileRequest(route.Method, PathFor(route.Template), "application/json",
                    Utf8(batch ? $"[{{\"kind\": \"diag.noop\"}}, {job}]" : job), [], $"{(batch ? "[1]." : "")}{property.Name} holding {Quote(nasty)}");
            }
        }
    }

    /// <summary>A request of the schema's shape that is sound (a known kind, sane values) but for one field, which holds something hostile.</summary>
    private (string Json, string Field) Poisoned(JsonElement schema)
    {
        schema = Resolve(schema);
        var batch = schema.TryGetProperty("items", out var items);
        var shape = batch ? Resolve(items) : schema;
        if (!shape.TryGetProperty("properties", out var properties))
        {
            return (RandomJson(0), "(none)");
        }
        var names = properties.EnumerateObject().Select(p => p.Name).ToList();
        var poison = Pick(names);
        var count = batch ? random.Next(1, 4) : 1;
        var target = random.Next(count);
        var jobs = Enumerable.Range(0, count).Select(i =>
        {
            var fields = properties.EnumerateObject()
                .Where(p => p.Name == poison && i == target || p.Name == "kind" || Chance(0.2))
                .Select(p => $"{Quote(p.Name)}:{(p.Name == poison && i == target ? Hostile(p.Value, p.Name) : Sane(p.Value, p.Name))}");
            return "{" + string.Join(",", fields) + "}";
        }).ToList();
        return (batch ? "[" + string.Join(",", jobs) + "]" : jobs[0], batch ? $"[{target}].{poison}" : poison);
    }

    /// <summary>A value a field would plausibly hold.</summary>
    private string Sane(JsonElement schema, string name)
    {
        schema = Resolve(schema);
        switch (name)
        {
            case "args" or "payload":
                return Chance(0.5) ? "{}" : $"{{\"note\": {Quote(Word())}}}";
            case "metadata":
                return $"{{\"order\": {Quote(Word())}}}";
            case "ids":
                return $"[{random.Next(1, 5)}]";
            case "delaySeconds" or "timeoutSeconds" or "priority":
                return random.Next(1, 100).ToString(CultureInfo.InvariantCulture);
            case "maxAttempts":
                return random.Next(1, 10).ToString(CultureInfo.InvariantCulture);
        }
        var types = schema.TryGetProperty("type", out var type) ? type.ToString() : "";
        if (types.Contains("array", StringComparison.Ordinal))
        {
            var item = schema.TryGetProperty("items", out var items) ? items : default;
            return "[" + string.Join(",", Enumerable.Range(0, random.Next(1, 3)).Select(_ => Sane(item, name))) + "]";
        }
        return types.Contains("integer", StringComparison.Ordinal) || types.Contains("number", StringComparison.Ordinal)
            ? random.Next(1, 100).ToString(CultureInfo.InvariantCulture)
            : Quote(name switch
            {
                "kind" or "kinds" => Chance(0.5) ? "diag.noop" : Pick(kinds),
                "queue" or "queues" => "default",
                "states" => Pick(["dead", "cancelled", "scheduled"]),
                "eventType" => "invoice.paid",
                "delay" => "00:00:05",
                "runAt" or "createdFrom" or "createdTo" or "finishedFrom" or "finishedTo" => "2030-01-01T00:00:00Z",
                _ => Word() + random.Next(1000).ToString(CultureInfo.InvariantCulture),
            });
    }

    /// <summary>
    /// Something hostile for one field: mostly of the field's own type (odd text in a string, a number
    /// no type holds, odd names and values in an object, odd items in a list), else another shape.
    /// </summary>
    private string Hostile(JsonElement schema, string name)
    {
        schema = Resolve(schema);
        var types = schema.TryGetProperty("type", out var type) ? type.ToString() : "object";
        if (Chance(0.3))
        {
            return Chance(0.5) ? RandomJson(0) : Pick(Numbers);
        }
        if (name is "args" or "payload" or "metadata" || !types.Contains("string", StringComparison.Ordinal) && types.Contains("object", StringComparison.Ordinal))
        {
            return random.Next(4) switch
            {
                0 => $"{{{Quote(Text())}: {Quote(Text())}}}",
                1 => $"{{\"note\": {Quote(Text())}, \"list\": [{{\"a\": {Quote(Text())}}}]}}",
                2 => $"{{\"note\": \"x\", \"deep\": {string.Concat(Enumerable.Repeat("[", 70))}{string.Concat(Enumerable.Repeat("]", 70))}}}",
                _ => $"{{\"n\": {Pick(Numbers)}, \"note\": {Quote(Text())}}}",
            };
        }
        if (types.Contains("array", StringComparison.Ordinal))
        {
            return "[" + string.Join(",", Enumerable.Range(0, Chance(0.2) ? 25 : random.Next(1, 3)).Select(_ => Quote(Text()))) + "]";
        }
        return types.Contains("integer", StringComparison.Ordinal) || types.Contains("number", StringComparison.Ordinal) ? Pick(Numbers) : Quote(Text());
    }

    private string Text() => Chance(0.6) ? Pick(Nasty) : Pick(Strings);

    private string StringFor(string? name, JsonElement schema) =>
        name switch
        {
            "kind" when Chance(0.8) => Pick(kinds),
            "kinds" when Chance(0.7) => Pick(kinds),
            "queue" or "queues" when Chance(0.6) => Pick(["default", "webhooks", "q-" + random.Next(100)]),
            "states" when Chance(0.7) => Pick(["dead", "cancelled", "scheduled", "retrying", "succeeded", "available", "running"]),
            "eventType" when Chance(0.6) => "invoice.paid",
            "delay" when Chance(0.6) => Pick(["00:00:05", "PT5M", "P1000Y", "10675199.02:48:05.4775807", "-00:00:01", "99:99:99"]),
            _ when schema.TryGetProperty("format", out var format) && format.GetString() == "date-time" => Pick(
                ["2026-01-31T12:00:00Z", "2030-01-01T00:00:00", "9999-12-31T23:59:59.9999999Z", "0001-01-01T00:00:00Z", "garbage", "1999-12-31T23:59:59-12:00"]),
            _ => Chance(0.6) ? Word() : Pick(Strings),
        };

    private string ArgsFor(int depth, bool hostileText)
    {
        var names = new[] { "paymentId", "amount", "currency", "warehouse", "snapshotId", "runId", "message", "ms", "deep", "lines" };
        var fields = Enumerable.Range(0, random.Next(0, 5)).Select(_ =>
            $"{Quote(hostileText ? Text() : Pick(names))}:{(Chance(0.5) ? RandomJson(depth + 1) : Chance(0.5) ? Pick(Numbers) : Quote(Text()))}");
        return "{" + string.Join(",", fields) + "}";
    }

    private string RandomJson(int depth)
    {
        var roll = random.Next(depth > 4 ? 5 : 7);
        return roll switch
        {
            0 => "null",
            1 => Chance(0.5) ? "true" : "false",
            2 => Pick(Numbers),
            3 or 4 => Quote(Text()),
            5 => "[" + string.Join(",", Enumerable.Range(0, random.Next(0, 4)).Select(_ => RandomJson(depth + 1))) + "]",
            _ => "{" + string.Join(",", Enumerable.Range(0, random.Next(0, 4)).Select(_ => $"{Quote(Chance(0.7) ? Word() : Pick(Strings))}:{RandomJson(depth + 1)}")) + "}",
        };
    }

    private string PathFor(string template) =>
        Regex.Replace(template, @"\{([^}]+)\}", m => m.Groups[1].Value.StartsWith("**", StringComparison.Ordinal)
            ? string.Join("/", Enumerable.Range(0, random.Next(1, 4)).Select(_ => Chance(0.5) ? Word() : Pick(Ids)))
            : Chance(0.4) && ids.Count > 0 ? Pick(ids).ToString(CultureInfo.InvariantCulture)
            : Chance(0.5) ? random.NextInt64(-10, long.MaxValue).ToString(CultureInfo.InvariantCulture) : Pick(Ids));

    private string QueryFor(ApiRoute route)
    {
        if (route.Query.Count == 0 && !Chance(0.1))
        {
            return "";
        }
        var names = route.Query.Concat(["cursor", "limit", "unknown", "state"]).ToArray();
        var pairs = Enumerable.Range(0, random.Next(0, 5)).Select(_ =>
        {
            var name = Pick(names);
            var value = name switch
            {
                "cursor" when Chance(0.6) => Cursor(),
                "limit" when Chance(0.6) => Pick(["0", "1", "500", "501", "-1", "1e3", "99999999999999999999", "abc", ""]),
                "state" when Chance(0.6) => Pick(["dead", "dead,retrying", "1", "DEAD", "nope"]),
                _ when name.EndsWith("From", StringComparison.Ordinal) || name.EndsWith("To", StringComparison.Ordinal) =>
                    Pick(["garbage", "2026-01-01", "9999-12-31T23:59:59.9999999Z", "0001-01-01T00:00:00+14:00", "2026-01-01T00:00:00 05:00", "99999-01-01"]),
                _ => Text(),
            };
            return Chance(0.1) ? $"{name}={Pick(["%00", "%ZZ", "%C3%28", "%ED%A0%80", "%FF"])}" : $"{name}={Uri.EscapeDataString(Utf16Safe(value))}";
        });
        return "?" + string.Join("&", pairs);
    }

    private string Cursor()
    {
        var key = Pick(["[\"0001-01-01T00:00:00Z\", 1]", "[\"9999-12-31T23:59:59.9999999+00:00\", 1]", "[1e400, 1]", "[null, null]", "[\"x\", \"y\"]",
            "[1]", "[9223372036854775808]", "{}", "[\"2026-13-45 25:61:00+00\", 1]", "[\"infinity\", 1]", "[\"now\", 5]", "[]"]);
        var text = Chance(0.8) ? Convert.ToBase64String(Encoding.UTF8.GetBytes(key)).TrimEnd('=').Replace('+', '-').Replace('/', '_') : Pick(Strings);
        return text;
    }

    private string HeaderValue() => Pick(["", " ", "a\0b", "\u0001", new string('k', 600), "key-1", "x y", "ä", "%00", "\u007f"]);

    private JsonElement Resolve(JsonElement schema)
    {
        for (var i = 0; i < 10 && schema.TryGetProperty("$ref", out var reference); i++)
        {
            var name = reference.GetString()!.Split('/')[^1];
            schema = document.GetProperty("components").GetProperty("schemas").GetProperty(name);
        }
        return schema;
    }

    private string Word() => Pick(["kind", "args", "queue", "tags", "x", "amount", "id", "states", "payload", "eventType"]) + (Chance(0.3) ? random.Next(10).ToString(CultureInfo.InvariantCulture) : "");

    private bool Chance(double p) => random.NextDouble() < p;

    private T Pick<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];

    /// <summary>A JSON string literal that keeps NUL and unpaired surrogates as \u escapes (valid UTF-8 on the wire, hostile once decoded).</summary>
    private static string Quote(string text)
    {
        var builder = new StringBuilder("\"");
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var paired = char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]);
            if (paired)
            {
                builder.Append(c).Append(text[++i]);
            }
            else if (c is '"' or '\\')
            {
                builder.Append('\\').Append(c);
            }
            else if (c < 0x20 || char.IsSurrogate(c))
            {
                builder.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            }
            else
            {
                builder.Append(c);
            }
        }
        return builder.Append('"').ToString();
    }

    /// <summary>Unpaired surrogates cannot be percent-encoded; the query's own odd bytes come from its raw escapes.</summary>
    private static string Utf16Safe(string text) => Regex.Replace(text, @"[\ud800-\udfff]", "\ufffd");

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>The API routes of the document, with their query parameters and body schemas.</summary>
    public static Dictionary<string, (List<string> Query, JsonElement? Body)> Described(JsonElement document)
    {
        var described = new Dictionary<string, (List<string>, JsonElement?)>(StringComparer.Ordinal);
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                var query = operation.Value.TryGetProperty("parameters", out var parameters)
                    ? parameters.EnumerateArray().Where(p => p.GetProperty("in").GetString() == "query").Select(p => p.GetProperty("name").GetString()!).ToList()
                    : [];
                JsonElement? body = operation.Value.TryGetProperty("requestBody", out var request)
                    && request.GetProperty("content").TryGetProperty("application/json", out var json) ? json.GetProperty("schema") : null;
                described[$"{operation.Name.ToUpperInvariant()} {path.Name}"] = (query, body);
            }
        }
        return described;
    }

    /// <summary>For failure messages: the media type a response declared.</summary>
    public static string TypeOf(HttpResponseMessage response) => response.Content.Headers.ContentType is MediaTypeHeaderValue type ? type.MediaType ?? "" : "(none)";
}
