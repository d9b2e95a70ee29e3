using CleanCqrs.Application.Common;

namespace CleanCqrs.Infrastructure.Messaging.Sns;

/// <summary>
/// Attempts of one SNS request and the backoff between them. <see cref="Clock"/>
/// and <see cref="Random"/> are replaceable so tests neither sleep nor depend on chance.
/// </summary>
public sealed record SnsRetryPolicy
{
    public static SnsRetryPolicy Default { get; } = new();

    /// <summary>Attempts in all, the first included.</summary>
    public int MaxAttempts { get; init; } = 4;

    /// <summary>Throttling and 5xx: waits within 100 ms doubling to 3 s.</summary>
    public Backoff Backoff { get; init; } = new(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(3));

    /// <summary>Whose timers the waits run on.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>Where each wait's share of its window comes from.</summary>
    public Random Random { get; init; } = Random.Shared;
}
