namespace CleanCqrs.LambdaHost.Tests.EndToEnd.Support;

/// <summary>Bounded polling: asks again until the answer is there or the bound passes, then fails with a description.</summary>
public static class Poll
{
    /// <summary>The SPEC's outer bound for a local write to become visible.</summary>
    public static readonly TimeSpan VisibilityBound = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(25);

    public static async Task<T> UntilAsync<T>(Func<Task<T?>> attempt, string what, TimeSpan? bound = null)
        where T : class
    {
        var deadline = DateTimeOffset.UtcNow + (bound ?? VisibilityBound);
        while (true)
        {
            if (await attempt() is { } done)
            {
                return done;
            }

            if (DateTimeOffset.UtcNow > deadline)
            {
                Assert.Fail($"Gave up waiting for {what} after {(bound ?? VisibilityBound).TotalSeconds} s.");
            }

            await Task.Delay(Interval);
        }
    }

    public static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? bound = null) =>
        await UntilAsync<object>(async () => await condition() ? true : null, what, bound);
}
