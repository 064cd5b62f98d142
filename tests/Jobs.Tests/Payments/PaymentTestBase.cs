using Jobs.Testing;

namespace Jobs.Tests.Payments;

/// <summary>A fresh schema and a <see cref="PaymentRig"/> (sandbox gateway and worker) per test.</summary>
public abstract class PaymentTestBase : IAsyncLifetime
{
    private protected TestSchema Schema { get; private set; } = null!;
    private protected PaymentRig Rig { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Schema = await TestSchema.CreateAsync();
        Rig = await PaymentRig.StartAsync(Schema);
    }

    public async Task DisposeAsync()
    {
        await Rig.DisposeAsync();
        await Schema.DisposeAsync();
    }
}
