using Jobs.Hosting;
using Jobs.Hosting.Health;
using Jobs.Worker;
using Jobs.Worker.Demo;

if (args is ["demo", ..])
{
    return await DemoCommand.RunAsync(args[1..]);
}
if (await HealthProbe.TryRunAsync(args, "http://127.0.0.1:5081/health/ready") is { } probed)
{
    return probed;
}

return await HostRunner.RunAsync(() =>
{
    var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
    builder.AddWorker();
    var app = builder.Build();
    app.MapWorker();
    return app;
});
