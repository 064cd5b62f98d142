using System.Net;
using System.Text.RegularExpressions;

namespace Jobs.Dashboard.Tests;

/// <summary>Posting the dashboard's forms as a browser does: with the antiforgery token of the page.</summary>
internal static partial class DashboardForms
{
    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();

    [GeneratedRegex("name=\"__once\" value=\"([^\"]+)\"")]
    private static partial Regex OncePattern();

    /// <summary>The one-time token of a page's forms already read (a form that must not act twice carries it).</summary>
    public static string OnceIn(string html) =>
        OncePattern().Match(html) is { Success: true } match ? WebUtility.HtmlDecode(match.Groups[1].Value) : throw new InvalidOperationException("No one-time token on the page");

    /// <summary>
    /// Posts a one-time form of <paramref name="page"/> as a browser does, with the antiforgery and
    /// one-time tokens of one rendering of it; the answer (a redirect when it acted).
    /// </summary>
    public static async Task<HttpResponseMessage> PostOnceAsync(HttpClient client, string page, string handler, params (string, string)[] fields)
    {
        var html = await client.GetStringAsync(page);
        return await PostAsync(client, handler, TokenIn(html, page), [("__once", OnceIn(html)), .. fields]);
    }

    public static async Task<string> TokenAsync(HttpClient client, string path) => TokenIn(await client.GetStringAsync(path), path);

    /// <summary>The antiforgery token of a page already read.</summary>
    public static string TokenIn(string html, string page = "the page") =>
        TokenPattern().Match(html) is { Success: true } match ? WebUtility.HtmlDecode(match.Groups[1].Value) : throw new InvalidOperationException($"No antiforgery token on {page}");

    public static async Task<HttpResponseMessage> PostAsync(HttpClient client, string path, string? token, params (string, string)[] fields)
    {
        var values = fields.Select(f => new KeyValuePair<string, string>(f.Item1, f.Item2)).ToList();
        if (token is not null)
        {
            values.Add(new("__RequestVerificationToken", token));
        }
        return await client.PostAsync(path, new FormUrlEncodedContent(values));
    }

    public static async Task<HttpResponseMessage> SignInAsync(HttpClient client, string username, string password) =>
        await PostAsync(client, "/login", await TokenAsync(client, "/login"), ("username", username), ("password", password));
}
