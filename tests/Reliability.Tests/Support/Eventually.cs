namespace CleanCqrs.Reliability.Tests.Support;

/// <summary>Polls for a condition that the service reaches asynchronously (the broker, the sweeper), within an outer bound.</summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultBound = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Calls <paramref name="probe"/> until it returns null (done) or <paramref name="bound"/> passes;
    /// then fails with the last thing it said was still missing.
    /// </summary>
    public static async Task HoldsAsync(Func<Task<string?>> probe, TimeSpan? bound = null, TimeSpan? interval = null)
    {
        ArgumentNullException.ThrowIfNull(probe);
        var deadline = DateTime.UtcNow + (bound ?? DefaultBound);
        while (true)
        {
            var missing = await probe();
            if (missing is null)
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Not reached within {(bound ?? DefaultBound).TotalSeconds:0} s: {missing}");
            }

            await Task.Delay(interval ?? TimeSpan.FromMilliseconds(50));
        }
    }
}
