using System.Collections.Concurrent;
using Jobs.Engine.Client;
using Jobs.Engine.Diagnostics;
using Jobs.Engine.Handlers;
using Jobs.Engine.Recurring;
using Jobs.Hangfire;
using Jobs.Operators;
using Jobs.Testing;
using Jobs.Webhooks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;

namespace Jobs.Dashboard.BrowserTests;

/// <summary>
/// The dashboard on a real loopback port (built in-process as Program.cs builds it), a real worker
/// server on the same schema, and headless Chromium (the system's; never a downloaded one). Shared
/// by the browser tests, which each use their own data and browser context.
/// </summary>
public class DashboardFixture : IAsyncLifetime
{
    public const string AdminName = "admin";
    public const string ViewerName = "viewer";
    public const string Password = "browser-test-password";

    private IPlaywright? _playwright;

    public TestSchema Schema { get; private set; } = null!;
    public WebApplication Dashboard { get; private set; } = null!;
    public TestEngine Worker { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;
    public string BaseUrl { get; private set; } = "";

    /// <summary>Settings of the dashboard besides the test database's.</summary>
    protected virtual IReadOnlyDictionary<string, string?> DashboardSettings => new Dictionary<string, string?>();

    /// <summary>The worker server on the schema.</summary>
    protected virtual Task<TestEngine> StartWorkerAsync() =>
        TestEngine.StartAsync(Schema, jobs => jobs.AddDiagnosticJobs().AddHandler<FlakyHandler, FlakyArgs>(kind => kind.MaxAttempts = 1)
            .AddHangfireJobs());

    public virtual async Task InitializeAsync()
    {
        Assertions.SetDefaultExpectTimeout(15_000);
        Schema = await TestSchema.CreateAsync(migrate: false);

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            // The pages are compiled into the dashboard's assembly: name it, since the entry assembly is the test runner.
            ApplicationName = typeof(DashboardHostExtensions).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = "Production",
        });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Jobs"] = TestDatabase.ConnectionString,
            ["Jobs:Schema"] = Schema.Name,
            ["App:Schema"] = Schema.AppSchema,
            ["App:Webhooks:SecretKey"] = TestKeys.WebhookSecretKey,
            ["Dashboard:SecureCookies"] = "false",
        });
        builder.Configuration.AddInMemoryCollection(DashboardSettings);
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.AddDashboard();
        Dashboard = builder.Build();
        Dashboard.MapDashboard();
        await Dashboard.StartAsync();
        BaseUrl = Dashboard.Urls.First().TrimEnd('/');

        Worker = await StartWorkerAsync();

        await CreateOperatorAsync(AdminName, OperatorRole.Admin);
        await CreateOperatorAsync(ViewerName, OperatorRole.Viewer);

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    public virtual async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }
        _playwright?.Dispose();
        if (Worker is not null)
        {
            await Worker.DisposeAsync();
        }
        if (Dashboard is not null)
        {
            await Dashboard.StopAsync();
            await Dashboard.DisposeAsync();
        }
        await Schema.DisposeAsync();
    }

    /// <summary>A fresh browser context signed in as <paramref name="username"/>, on the overview.</summary>
    public async Task<IPage> SignInAsync(string username)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = BaseUrl, ViewportSize = new ViewportSize { Width = 1400, Height = 900 } });
        var page = await context.NewPageAsync();
        // Destructive buttons ask first (window.confirm); the tests mean what they click.
        page.Dialog += async (_, dialog) => await dialog.AcceptAsync();
        await page.GotoAsync("/login");
        await page.GetByLabel("Username").FillAsync(username);
        await page.GetByLabel("Password").FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Overview", Exact = true })).ToBeVisibleAsync();
        return page;
    }

    private readonly SemaphoreSlim _seed = new(1, 1);

    /// <summary>The sample data's dead job.</summary>
    public long SampleDeadJobId { get; private set; }
    private bool _seeded;

    /// <summary>Jobs in several states, a schedule, a webhook endpoint and an API key, once: something for every page to show.</summary>
    public async Task EnsureSampleDataAsync()
    {
        await _seed.WaitAsync();
        try
        {
            if (_seeded)
            {
                return;
            }
            var jobs = Worker.Client;
            await jobs.EnqueueManyAsync(Enumerable.Range(0, 30).Select(i => JobRequest.Create(new NoopArgs(), new EnqueueOptions { Tags = ["sample"] })).ToList());
            await jobs.EnqueueAsync(new SleepArgs(60_000), new EnqueueOptions { Delay = TimeSpan.FromHours(2), CorrelationId = "req-7f3a" });
            var dead = await jobs.EnqueueAsync(new FlakyArgs("sample-invoice-42"), new EnqueueOptions { MaxAttempts = 1, Tags = ["billing"], PartitionKey = "merchant-17" });
            await Eventually.TrueAsync(async () => (await jobs.GetAsync(dead.Id))!.State == Engine.States.JobState.Dead, "the sample job to die");
            SampleDeadJobId = dead.Id;
            await Worker.Schedules.AddOrUpdateAsync("sample-report", new ScheduleOptions { Cron = "0 2 * * *", Kind = NoopArgs.Kind, TimeZone = "Europe/Berlin" });
            await Dashboard.Services.GetRequiredService<WebhookEndpoints>().CreateAsync("https://hooks.example.com/jobs", ["invoice.paid"], "billing receiver");
            await Dashboard.Services.GetRequiredService<ApiKeys>().CreateAsync("billing-service", ApiKeyRole.Producer, ["diag.noop"], null, "browser test");
            _seeded = true;
        }
        finally
        {
            _seed.Release();
        }
    }

    /// <summary>Where screenshots go: <c>JOBS_TEST_ARTIFACTS</c>, else <c>artifacts/</c> at the repository root.</summary>
    public static string ArtifactsDirectory()
    {
        var configured = Environment.GetEnvironmentVariable("JOBS_TEST_ARTIFACTS");
        if (string.IsNullOrEmpty(configured))
        {
            configured = Path.Combine(Repository.Root, "artifacts");
        }
        Directory.CreateDirectory(configured);
        return configured;
    }

    private async Task CreateOperatorAsync(string username, OperatorRole role)
    {
        var hasher = Dashboard.Services.GetRequiredService<IPasswordHasher<OperatorAccount>>();
        await Dashboard.Services.GetRequiredService<OperatorAccounts>().CreateAsync(username, hasher.HashPassword(null!, Password), role, "browser test");
    }
}

[CollectionDefinition(Name)]
public sealed class DashboardCollection : ICollectionFixture<DashboardFixture>
{
    public const string Name = "dashboard";
}

/// <summary>Fails with a message naming its key until the test says the upstream it stands for is fixed.</summary>
public sealed record FlakyArgs(string Key) : IJobArgs
{
    public static string Kind => "test.flaky";

    /// <summary>Keys whose jobs succeed from now on.</summary>
    public static readonly ConcurrentDictionary<string, bool> Fixed = new();
}

public sealed class FlakyHandler : IJobHandler<FlakyArgs>
{
    public Task ExecuteAsync(JobContext<FlakyArgs> job, CancellationToken cancellationToken) =>
        FlakyArgs.Fixed.ContainsKey(job.Args.Key)
            ? Task.CompletedTask
            : throw new InvalidOperationException($"upstream unavailable for {job.Args.Key}");
}
