namespace CleanCqrs.Application.Common.Ports;

/// <summary>
/// At-most-once side effects per event (SPEC 5.2): a handler that costs money or reaches a person
/// claims the event id with one conditional write before acting, so a redelivered message finds the
/// claim and does nothing. A failed action releases the claim, so the retry acts.
/// </summary>
public interface IEffectClaims
{
    /// <summary>True when this caller claimed (<paramref name="effect"/>, <paramref name="eventId"/>); false when it was claimed before.</summary>
    ValueTask<bool> TryClaimAsync(string effect, string eventId, DateTimeOffset now, DateTimeOffset keepUntil, CancellationToken cancellationToken);

    ValueTask ReleaseAsync(string effect, string eventId, CancellationToken cancellationToken);
}
