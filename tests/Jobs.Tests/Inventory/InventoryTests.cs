namespace Jobs.Tests.Inventory;

/// <summary>A test class of inventory reconciliation: each test gets its own <see cref="InventoryScenario"/>.</summary>
public abstract class InventoryTests : IAsyncLifetime
{
    private InventoryScenario? _world;

    internal InventoryScenario World => _world ?? throw new InvalidOperationException("The scenario starts in InitializeAsync.");

    public async Task InitializeAsync() => _world = await InventoryScenario.CreateAsync();

    public async Task DisposeAsync() => await World.DisposeAsync();
}
