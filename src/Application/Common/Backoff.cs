namespace CleanCqrs.Application.Common;

/// <summary>
/// The one formula for waiting between the attempts of a retry loop: exponential with full jitter,
/// capped. Retry <c>n</c> (after failed attempt <c>n</c>, 1-based) waits a uniformly random time below
/// <c>min(Max, Base · 2^(n − 1 − ImmediateRetries))</c>; the first <see cref="ImmediateRetries"/> retries do
/// not wait. Each loop keeps its own parameters (decision 0025).
/// </summary>
/// <remarks>
/// Full jitter spreads callers that failed together over the whole window, so they do not collide again
/// in lock step, and it does the least waiting of the jittered forms for the same spread.
/// </remarks>
public sealed record Backoff
{
    /// <param name="base">The window of the first retry that waits; it doubles with each further one.</param>
    /// <param name="max">The largest window, however many retries came before.</param>
    /// <param name="immediateRetries">Retries that go again at once (a lost race usually clears by itself).</param>
    public Backoff(TimeSpan @base, TimeSpan max, int immediateRetries = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(@base, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(max, @base);
        ArgumentOutOfRangeException.ThrowIfNegative(immediateRetries);
        Base = @base;
        Max = max;
        ImmediateRetries = immediateRetries;
    }

    public TimeSpan Base { get; }

    public TimeSpan Max { get; }

    public int ImmediateRetries { get; }

    /// <summary>The window that retry <paramref name="attempt"/> (1-based) waits within: zero for an immediate retry.</summary>
    public TimeSpan CeilingFor(int attempt)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(attempt, 1);
        if (attempt <= ImmediateRetries)
        {
            return TimeSpan.Zero;
        }

        // In doubles, so a long run of retries saturates at Max instead of overflowing.
        var ticks = Base.Ticks * Math.Pow(2, attempt - 1 - ImmediateRetries);
        return ticks >= Max.Ticks ? Max : TimeSpan.FromTicks((long)ticks);
    }

    /// <summary>The wait before retry <paramref name="attempt"/>: a random share of its window, in [0, window).</summary>
    public TimeSpan DelayFor(int attempt, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        return TimeSpan.FromTicks((long)(CeilingFor(attempt).Ticks * random.NextDouble()));
    }

    /// <summary>Waits before retry <paramref name="attempt"/> on <paramref name="clock"/>'s timers; a cancelled token ends the wait.</summary>
    public Task DelayAsync(int attempt, TimeProvider clock, CancellationToken cancellationToken) =>
        WaitAsync(DelayFor(attempt, Random.Shared), clock, cancellationToken);

    /// <summary>Waits <paramref name="delay"/>, for a caller that takes it from <see cref="DelayFor"/> to report it first.</summary>
    public static Task WaitAsync(TimeSpan delay, TimeProvider clock, CancellationToken cancellationToken) =>
        Task.Delay(delay, clock ?? throw new ArgumentNullException(nameof(clock)), cancellationToken);
}
