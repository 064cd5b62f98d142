using Jobs.Engine;
using Jobs.Hangfire;
using Microsoft.Extensions.Hosting;

// Settings come from the environment (ConnectionStrings__Jobs, Jobs__Schema, Jobs__Server__...).
var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddJobsServer().AddHangfireJobs();
await builder.Build().RunAsync();
