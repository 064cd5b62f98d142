namespace Jobs.Testing;

/// <summary>
/// Waits for a condition the system reaches on its own (a job finishing, a server noticing), checking
/// often and failing with a message after a generous limit. This bounds a wait; it asserts no timing.
/// </summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultLimit = TimeSpan.FromSeconds(30);

    public static async Task<T> ReturnsAsync<T>(Func<Task<T>> probe, Func<T, bool> done, string what, TimeSpan? limit = null)
    {
        var deadline = DateTime.UtcNow + (limit ?? DefaultLimit);
        T value;
        while (true)
        {
            value = await probe();
            if (done(value))
            {
                return value;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Gave up waiting for {what}; last seen: {value}");
            }
            await Task.Delay(20);
        }
    }

    public static Task TrueAsync(Func<Task<bool>> probe, string what, TimeSpan? limit = null) =>
        ReturnsAsync(probe, ok => ok, what, limit);
}
