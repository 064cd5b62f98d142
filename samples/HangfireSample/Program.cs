using Hangfire;
using Jobs.Engine;
using Jobs.Hangfire;
using Jobs.Samples.Hangfire;

var builder = WebApplication.CreateBuilder(args);

// The engine reads ConnectionStrings:Jobs and the Jobs section; Hangfire's storage uses that engine.
builder.Services.AddHangfire((services, c) => c.UseJobsStorage(services)); // was: c.UsePostgreSqlStorage(o => o.UseNpgsqlConnection(connectionString))
builder.Services.AddJobsServer().AddHangfireJobs();                          // was: builder.Services.AddHangfireServer()
builder.Services.AddScoped<Billing>();
builder.Services.AddSingleton<Ledger>();

var app = builder.Build();

// An order: charge it (retried while the gateway is flaky), then send the receipt once the charge
// succeeded, and remind the customer later.
app.MapPost("/orders/{id:int}", (int id, IBackgroundJobClient jobs) =>
{
    var charge = jobs.Enqueue<Billing>(b => b.ChargeAsync(id, CancellationToken.None));
    var receipt = jobs.ContinueJobWith<Billing>(charge, b => b.SendReceipt(id));
    var reminder = jobs.Schedule(() => Billing.Remind(id), TimeSpan.FromSeconds(2));
    return Results.Ok(new { charge, receipt, reminder });
});

app.MapPost("/reports/now", (IRecurringJobManagerV2 recurring) => Results.Ok(new { job = recurring.TriggerJob("daily-report") }));

app.Services.GetRequiredService<IRecurringJobManager>()
    .AddOrUpdate<Billing>("daily-report", b => b.DailyReport(), Cron.Daily(6), new RecurringJobOptions { TimeZone = TimeZoneInfo.Utc });

app.Run();
