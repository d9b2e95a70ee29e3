namespace CleanCqrs.Infrastructure.Messaging.Sns;

/// <summary>
/// Exponential backoff with jitter between attempts of one SNS request. <see cref="Delay"/> and
/// <see cref="Jitter"/> are replaceable so tests neither sleep nor depend on chance.
/// </summary>
public sealed record SnsRetryPolicy
{
    public static SnsRetryPolicy Default { get; } = new();

    /// <summary>Attempts in all, the first included.</summary>
    public int MaxAttempts { get; init; } = 4;

    /// <summary>The backoff ceiling after the first failure; it doubles with each further failure.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Waits between attempts.</summary>
    public Func<TimeSpan, CancellationToken, Task> Delay { get; init; } = static (delay, ct) => Task.Delay(delay, ct);

    /// <summary>A number in [0, 1) that spreads the waits of callers that failed together.</summary>
    public Func<double> Jitter { get; init; } = static () => Random.Shared.NextDouble();

    /// <summary>
    /// The wait after failed attempt <paramref name="attempt"/> (1-based): half the ceiling plus a
    /// random share of the other half, so waits grow but never line up.
    /// </summary>
    public TimeSpan BackoffAfter(int attempt)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(attempt, 1);
        var ceilingMs = Math.Min(MaxDelay.TotalMilliseconds, BaseDelay.TotalMilliseconds * Math.Pow(2, attempt - 1));
        var jitter = Math.Clamp(Jitter(), 0, 1);
        return TimeSpan.FromMilliseconds((ceilingMs / 2) + (ceilingMs / 2 * jitter));
    }
}
