using Jobs.Hosting;
using Jobs.Worker;
using Jobs.Worker.Demo;

if (args is ["demo", ..])
{
    return await DemoCommand.RunAsync(args[1..]);
}

return await HostRunner.RunAsync(() =>
{
    var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
    builder.AddWorker();
    var app = builder.Build();
    app.MapWorker();
    return app;
});
