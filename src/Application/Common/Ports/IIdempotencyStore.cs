namespace CleanCqrs.Application.Common.Ports;

/// <summary>A response kept for replay: status, content type, body and the headers a retry needs.</summary>
public sealed record IdempotentResponse(
    int StatusCode, string? ContentType, byte[] Body, string? ETag, string? Location, string? RetryAfter);

/// <summary>What is stored under a key: the request's fingerprint, and the response once it is known.</summary>
/// <param name="LeaseUntil">Until when the request that claimed the key is taken to be still running.</param>
public sealed record IdempotencyRecord(string Fingerprint, IdempotentResponse? Response, DateTimeOffset LeaseUntil)
{
    public bool IsComplete => Response is not null;
}

/// <summary>Either this caller now owns the key (<see cref="ClaimId"/>), or the record that holds it.</summary>
public readonly record struct IdempotencyClaim(string? ClaimId, IdempotencyRecord? Existing)
{
    public bool IsClaimed => ClaimId is not null;
}

/// <summary>
/// Idempotency records (SPEC 5.2). A key is claimed by one conditional write, so two concurrent
/// requests with the same key cannot both run; the claim is an in-progress record with a lease that
/// a crashed request's retry can take over once it has run out; a completed record is replayed until
/// it expires.
/// </summary>
public interface IIdempotencyStore
{
    /// <summary>
    /// Claims <paramref name="key"/> when it holds nothing live (absent, expired, or in progress with an
    /// expired lease); otherwise returns what it holds.
    /// </summary>
    ValueTask<IdempotencyClaim> TryClaimAsync(
        string key, string fingerprint, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>Stores the response under a key this caller claimed, kept until <paramref name="expiresAt"/>.</summary>
    ValueTask CompleteAsync(
        string key, string claimId, IdempotentResponse response, DateTimeOffset expiresAt, CancellationToken cancellationToken);

    /// <summary>Gives up a claim without a response (it is not one to keep): the next request with the key runs.</summary>
    ValueTask ReleaseAsync(string key, string claimId, CancellationToken cancellationToken);
}
