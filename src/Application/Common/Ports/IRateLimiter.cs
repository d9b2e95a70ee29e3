namespace CleanCqrs.Application.Common.Ports;

/// <summary>
/// One limit on accepted requests: at most <see cref="Limit"/> acquisitions of <see cref="Key"/> in any
/// rolling <see cref="Window"/>. Several limits may share a key (one per 30 s and five per hour).
/// </summary>
/// <param name="Name">What the limit is, for the refusal (<c>address</c>, <c>budget:sms</c>, ...).</param>
/// <param name="Hot">
/// A key that the whole deployment shares (a global budget): an adapter whose single keys take a
/// bounded write rate spreads it over shards without ever letting the sum pass <see cref="Limit"/>.
/// </param>
public sealed record RateLimit(string Key, int Limit, TimeSpan Window, string Name, bool Hot = false);

/// <summary>What an accepted acquisition holds, so that it can be given back (opaque to callers).</summary>
public sealed record RateReservation(string Id, IReadOnlyList<string> Holds);

/// <summary>Accepted with a reservation, or refused by a limit with the time until a retry would be accepted.</summary>
public readonly record struct RateDecision(RateReservation? Reservation, RateLimit? RefusedBy, TimeSpan RetryAfter)
{
    public bool IsAccepted => Reservation is not null;

    public static RateDecision Accept(RateReservation reservation) => new(reservation, null, TimeSpan.Zero);

    public static RateDecision Refuse(RateLimit limit, TimeSpan retryAfter) => new(null, limit, retryAfter);
}

/// <summary>
/// Sliding-window counters of accepted requests, consistent under concurrency: an acquisition counts
/// against every limit given or against none, and the count of a key never passes its limit in any
/// window, however many processes acquire at once. Only accepted acquisitions count.
/// </summary>
public interface IRateLimiter
{
    /// <summary>
    /// Counts one acquisition against every limit, or none when any limit is full; a refusal names the
    /// limit and how long until it would have room (the longest wait among the full ones it checked).
    /// </summary>
    ValueTask<RateDecision> TryAcquireAsync(IReadOnlyList<RateLimit> limits, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Gives an acquisition back (the request it admitted was refused further on). Idempotent.</summary>
    ValueTask ReleaseAsync(RateReservation reservation, CancellationToken cancellationToken);
}
