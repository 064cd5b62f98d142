using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Jobs.Testing;

/// <summary>
/// A fresh migrated schema and an engine without a job server (enqueue, steer, read) for each test,
/// both disposed after it. For tests whose jobs run elsewhere, or not at all.
/// </summary>
public abstract class ClientTestBase : IAsyncLifetime
{
    protected TestSchema Schema { get; private set; } = null!;
    protected TestEngine Engine { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Schema = await TestSchema.CreateAsync();
        Engine = await TestEngine.StartAsync(Schema, server: false, services: ConfigureServices);
    }

    /// <summary>Adds to the engine host's services (what the host under test would add beside the engine).</summary>
    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    public async Task DisposeAsync()
    {
        await Engine.DisposeAsync();
        await Schema.DisposeAsync();
    }
}
