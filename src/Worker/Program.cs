using Jobs.Engine;
using Jobs.Worker;
using Jobs.Worker.Demo;
using Microsoft.Extensions.Hosting;

if (args is ["demo", ..])
{
    return await DemoCommand.RunAsync(args[1..]);
}

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
{
    Args = args,
    ContentRootPath = AppContext.BaseDirectory,
});
builder.AddWorker();
await builder.Build().RunStoppableAsync();
return 0;
