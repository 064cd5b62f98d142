using System.Text.RegularExpressions;
using Dapper;
using Jobs.Engine.Client;
using Jobs.Engine.Diagnostics;
using Jobs.Engine.Handlers;
using Jobs.Operators;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Jobs.Dashboard.Tests.Api;

/// <summary>
/// No bad input answers with a 5xx or an empty body, on any API route, and a refused request writes
/// nothing. The routes come from the app's own endpoints (so a route added later is covered), their
/// shapes from its OpenAPI document; the requests from <see cref="HostileRequests"/> with a fixed seed,
/// so a failure reproduces: the message names the seed and every failing request.
/// </summary>
public sealed partial class ApiFuzzTests : ApiTest
{
    private const int Seed = 20261204;
    private const int RequestsPerRoute = 100;

    [Fact]
    public async Task No_route_answers_malformed_or_hostile_requests_with_a_5xx_or_an_empty_body_and_refusals_write_nothing()
    {
        var routes = await RoutesAsync();
        var jobs = Host.Jobs;
        var ids = new List<long>
        {
            (await jobs.EnqueueAsync(new NoopArgs(), new EnqueueOptions { Delay = TimeSpan.FromHours(1) })).Id,
            (await jobs.EnqueueAsync(new NoopArgs(), new EnqueueOptions { Tags = ["fuzz"] })).Id,
        };
        ids.Add((await jobs.EnqueueAsync(new FailArgs("x"))).Id);
        await jobs.CancelAsync(ids[^1]);
        using var scoped = Host.Client(await Host.CreateKeyAsync(ApiKeyRole.Producer, kinds: ["diag.noop"], queues: ["default"], name: "scoped"));
        var random = new Random(Seed);
        var requests = new HostileRequests(random, await DocumentAsync(), Host.Services.GetRequiredService<JobKindCatalog>().Kinds, ids);

        var failures = new List<(string Route, string Failure)>();
        var sent = 0;
        var counts = await CountRowsAsync();
        foreach (var route in routes)
        {
            var n = route.Template.Contains("**", StringComparison.Ordinal) ? RequestsPerRoute / 2 : RequestsPerRoute;
            var generated = Enumerable.Range(0, n).Select(_ => (Request: requests.For(route), Scoped: random.NextDouble() < 0.2))
                .Concat(requests.EveryFieldPoisoned(route).Select(r => (Request: r, Scoped: false)));
            if (route.Body is not null)
            {
                generated = generated.Append((requests.For(route, oversized: true), false));
            }
            foreach (var (request, useScoped) in generated)
            {
                var client = useScoped ? scoped : Api;
                sent++;
                string? failure;
                int status;
                try
                {
                    using var response = await client.SendAsync(request.ToMessage());
                    status = (int)response.StatusCode;
                    var body = await response.Content.ReadAsStringAsync();
                    failure = status >= 500 ? "a server error"
                        : body.Length == 0 && status != 204 ? "an empty body"
                        : null;
                    failure = failure is null ? null
                        : $"{failure}: {status} {HostileRequests.TypeOf(response)} {body[..Math.Min(300, body.Length)]}";
                }
                catch (Exception e)
                {
                    status = 0;
                    failure = $"the server threw {e.GetType().Name}: {e.Message}";
                }
                var after = await CountRowsAsync();
                if (failure is null && status >= 400 && !after.SequenceEqual(counts))
                {
                    failure = $"refused with {status} but wrote rows: {Changed(counts, after)}";
                }
                counts = after;
                if (failure is not null)
                {
                    failures.Add((route.ToString(), $"#{sent} {route}: {failure}\n  {request}"));
                }
            }
        }

        Assert.True(failures.Count == 0, $"Seed {Seed}: {failures.Count} of {sent} requests failed; the first of each route:\n\n" +
            string.Join("\n\n", failures.GroupBy(f => f.Route).SelectMany(g => g.Take(3).Select(f => f.Failure).Prepend($"== {g.Key}: {g.Count()} failed"))));
    }

    /// <summary>Every API endpoint the app maps (the catch-all included), with what the OpenAPI document says it takes.</summary>
    private async Task<List<ApiRoute>> RoutesAsync()
    {
        var described = HostileRequests.Described(await DocumentAsync());
        var routes = new List<ApiRoute>();
        foreach (var endpoint in Host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var template = "/" + endpoint.RoutePattern.RawText!.Trim('/');
            if (!template.StartsWith("/api", StringComparison.Ordinal))
            {
                continue;
            }
            var methods = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET", "POST", "DELETE"];
            foreach (var method in methods)
            {
                var key = $"{method} {Constraint().Replace(template, "{$1}")}";
                var catchAll = template.Contains("{**", StringComparison.Ordinal);
                Assert.True(catchAll || described.ContainsKey(key), $"The OpenAPI document does not describe {key}.");
                var (query, body) = described.GetValueOrDefault(key, ([], null));
                routes.Add(new ApiRoute(method, template, query, body));
            }
        }
        Assert.True(routes.Count >= 10, $"Found only {routes.Count} API routes: {string.Join(", ", routes)}");
        return routes;
    }

    private async Task<System.Text.Json.JsonElement> DocumentAsync() => await (await Api.GetAsync("/openapi/v1.json")).JsonAsync();

    /// <summary>Rows per table of the engine's and the business schema.</summary>
    private async Task<List<(string Table, long Rows)>> CountRowsAsync()
    {
        _countSql ??= string.Join(" union all ", await Host.Schema.QueryAsync<string>("""
            select format('select %L as t, count(*) as n from %I.%I', table_schema || '.' || table_name, table_schema, table_name)
              from information_schema.tables
             where table_schema in (@s, @app) and table_type = 'BASE TABLE'
             order by 1
            """, new { s = Host.Schema.Name, app = Host.Schema.AppSchema })) + " order by 1";
        await using var connection = await Host.Schema.DataSource.OpenConnectionAsync();
        return (await connection.QueryAsync<(string, long)>(_countSql)).ToList();
    }

    private string? _countSql;

    private static string Changed(List<(string Table, long Rows)> before, List<(string Table, long Rows)> after) =>
        string.Join(", ", after.Zip(before).Where(p => p.First != p.Second).Select(p => $"{p.First.Table} {p.Second.Rows} -> {p.First.Rows}"));

    [GeneratedRegex(@"\{(\w+):[^}]+\}")]
    private static partial Regex Constraint();
}
