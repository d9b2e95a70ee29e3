using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Domain.Common;
using CleanCqrs.Domain.Otps;
using Microsoft.Extensions.Logging;

namespace CleanCqrs.Application.Otps.Limits;

/// <summary>
/// The limits a <c>POST /otp</c> passes before an OTP is issued (SPEC 5.3, decision 0019): per primary
/// and source address one per 30 s and five per hour, per source address
/// <see cref="OtpLimitOptions.AddressLimitPerHour"/>, and the channel's global budget. They are acquired
/// together or not at all; an admission whose OTP is then not issued gives them back, so only accepted
/// requests count. (The per-primary ceiling across addresses is the OTP stream's own rule.)
/// </summary>
public sealed class OtpRequestLimits(
    IRateLimiter limiter, OtpLimitOptions options, IBudgetAlarm alarm, TimeProvider clock, ILogger<OtpRequestLimits> logger)
{
    public const string PrimaryAndAddress = "primary-address";
    public const string Address = "address";
    public const string BudgetPrefix = "budget:";

    /// <summary>The admission, or the refusal: <see cref="RateLimitedError"/> or <see cref="BudgetExhaustedError"/>.</summary>
    /// <param name="subjectId">The primary's keyed subject id: counters never hold a phone number or an address in clear.</param>
    public async ValueTask<Result<Admission>> AdmitAsync(
        OtpContact contact, string subjectId, string? sourceAddress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(contact);
        var address = SourceAddresses.KeyOf(sourceAddress);
        var pair = $"pa:{subjectId}@{address}";
        var channel = contact.Channel;
        var budget = BudgetPrefix + channel;
        RateLimit[] limits =
        [
            new(pair, 1, OtpLimitOptions.Cooldown, PrimaryAndAddress),
            new(pair, OtpLimitOptions.PerPrimaryAndAddressPerHour, OtpLimitOptions.Window, PrimaryAndAddress),
            new("addr:" + address, options.AddressLimitPerHour, OtpLimitOptions.Window, Address),
            new(budget, options.BudgetOf(channel), OtpLimitOptions.Window, budget, Hot: true),
        ];

        var decision = await limiter.TryAcquireAsync(limits, clock.GetUtcNow(), cancellationToken);
        if (decision.Reservation is { } reservation)
        {
            return new Admission(limiter, reservation);
        }

        var refusedBy = decision.RefusedBy!;
        if (refusedBy.Name == budget)
        {
            alarm.Exhausted(channel);
            logger.LogWarning("The {Channel} budget of {Budget} per hour is exhausted; OTP requests are refused for {RetryAfter}",
                channel, refusedBy.Limit, decision.RetryAfter);
            return new BudgetExhaustedError(channel, decision.RetryAfter,
                $"The service has sent as many {(channel == OtpChannels.Sms ? "SMS" : "e-mails")} as it may this hour; try again later.");
        }

        return new RateLimitedError(decision.RetryAfter, refusedBy.Name == Address
            ? "Too many OTP requests from this address; try again later."
            : "Too many OTP requests for this contact; try again later.");
    }

    /// <summary>Counted against every limit; <see cref="ReleaseAsync"/> when the OTP is not issued after all.</summary>
    public sealed class Admission(IRateLimiter limiter, RateReservation reservation)
    {
        public ValueTask ReleaseAsync(CancellationToken cancellationToken) =>
            limiter.ReleaseAsync(reservation, cancellationToken);
    }
}
