using System.Security.Cryptography;
using Jobs.Operators;
using Microsoft.AspNetCore.Identity;

namespace Jobs.Dashboard.Cli;

/// <summary>
/// Administration from the command line, for the first admin and for automation:
/// <code>
/// Jobs.Dashboard create-admin &lt;username&gt;            password from JOBS_ADMIN_PASSWORD, else generated and printed once
/// Jobs.Dashboard create-api-key --name &lt;name&gt; [--role producer|operator] [--kinds a,b] [--queues q1,q2]
/// Jobs.Dashboard webhook-endpoint ...                  see <see cref="EndpointCommands"/>
/// Jobs.Dashboard schedule ...                          see <see cref="ScheduleCommands"/>
/// Jobs.Dashboard import-hangfire --from &lt;connection string&gt; [--schema hangfire] [--dry-run]
/// </code>
/// They use the host's configuration (connection string, schema) and migrate like the host does.
/// </summary>
public static class DashboardCommands
{
    /// <summary>Runs a command when <paramref name="args"/> names one; returns its exit code, or null to start the web host.</summary>
    public static async Task<int?> TryRunAsync(string[] args)
    {
        if (args is not ["create-admin" or "create-api-key" or "import-hangfire" or EndpointCommands.Name or ScheduleCommands.Name, ..])
        {
            return null;
        }
        // Only options after the command's own arguments are configuration (--Jobs:Schema x); the
        // command's options (--url, --cron...) would be read as configuration keys too, harmlessly.
        // The import's options are its own (its connection string is not configuration, and must not become any).
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args[0] == "import-hangfire" ? [] : args[1..],
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.AddDashboard();
        // A command prints its own result; only warnings and errors are logged, on one line each.
        builder.Logging.ClearProviders().AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
        await using var app = builder.Build();
        // Not started (no port is opened): only the schema is made current, as the host would at start.
        await app.Services.GetRequiredService<Jobs.Engine.Storage.JobsSchema>().EnsureAsync(CancellationToken.None);
        try
        {
            return args[0] switch
            {
                "create-admin" => await CreateAdminAsync(app.Services, args[1..]),
                EndpointCommands.Name => await EndpointCommands.RunAsync(app.Services, args[1..]),
                ScheduleCommands.Name => await ScheduleCommands.RunAsync(app.Services, args[1..]),
                "import-hangfire" => await HangfireImportCommand.RunAsync(app.Services, args[1..]),
                _ => await CreateApiKeyAsync(app.Services, args[1..]),
            };
        }
        catch (KeyNotFoundException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return 1;
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync(e.ParamName is null ? e.Message : e.Message.Replace($" (Parameter '{e.ParamName}')", "", StringComparison.Ordinal));
            return 2;
        }
    }

    private static async Task<int> CreateAdminAsync(IServiceProvider services, string[] args)
    {
        if (args is not [var username, ..] || username.StartsWith('-'))
        {
            await Console.Error.WriteLineAsync("usage: Jobs.Dashboard create-admin <username>   (password from JOBS_ADMIN_PASSWORD, else generated)");
            return 2;
        }
        var password = Environment.GetEnvironmentVariable("JOBS_ADMIN_PASSWORD");
        var generated = string.IsNullOrEmpty(password);
        if (generated)
        {
            password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)).Replace('+', '-').Replace('/', '_');
        }
        else if (password!.Length < 12)
        {
            throw new ArgumentException("JOBS_ADMIN_PASSWORD must be at least 12 characters.");
        }
        var hash = services.GetRequiredService<IPasswordHasher<OperatorAccount>>().HashPassword(null!, password);
        var id = await services.GetRequiredService<OperatorAccounts>().CreateAsync(username, hash, OperatorRole.Admin, "command line");
        await services.GetRequiredService<AuditLog>().RecordAsync(new AuditEntry("command line", "system", "operators.create", username, null, new { role = "admin" }));
        Console.WriteLine($"Created admin '{username}' (id {id}).");
        if (generated)
        {
            Console.WriteLine($"Password (shown once): {password}");
        }
        return 0;
    }

    private static async Task<int> CreateApiKeyAsync(IServiceProvider services, string[] args)
    {
        string? name = null;
        var role = ApiKeyRole.Producer;
        IReadOnlyList<string>? kinds = null, queues = null;
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--name": name = value; break;
                case "--role": role = Enum.TryParse<ApiKeyRole>(value, ignoreCase: true, out var r) ? r : throw new ArgumentException($"--role must be producer or operator (got '{value}')."); break;
                case "--kinds": kinds = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries); break;
                case "--queues": queues = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries); break;
                default: throw new ArgumentException($"Unknown option {args[i]}. usage: create-api-key --name <name> [--role producer|operator] [--kinds a,b] [--queues q]");
            }
            i++;
        }
        var created = await services.GetRequiredService<ApiKeys>().CreateAsync(
            name ?? throw new ArgumentException("--name is required."), role, kinds, queues, "command line");
        await services.GetRequiredService<AuditLog>().RecordAsync(new AuditEntry("command line", "system", "api_keys.create", $"{created.Info.Name} ({created.Info.Prefix})"));
        Console.WriteLine($"Created API key '{created.Info.Name}' ({role.ToString().ToLowerInvariant()}, kinds {Scope(kinds)}, queues {Scope(queues)}).");
        Console.WriteLine($"Key (shown once): {created.Key}");
        return 0;
    }

    private static string Scope(IReadOnlyList<string>? values) => values is null ? "any" : string.Join(",", values);
}
