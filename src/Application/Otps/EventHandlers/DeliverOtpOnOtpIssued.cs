using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Application.Common.Projections;
using CleanCqrs.Domain.Otps;
using Mediator;
using Microsoft.Extensions.Logging;

namespace CleanCqrs.Application.Otps.EventHandlers;

/// <summary>
/// Sends a newly issued OTP to its owner: SMS for workers, e-mail for orgs. The code is derived here
/// and exists only in the message to the user. An OTP that expired before delivery is not sent.
/// Each event is delivered at most once (SPEC 5.2): its id is claimed before sending, so a redelivered
/// message sends nothing, and a failed send gives the claim back so that the retry sends.
/// </summary>
public sealed class DeliverOtpOnOtpIssued(
    IOtpCodes codes, IOtpSender sender, TimeProvider clock, ILogger<DeliverOtpOnOtpIssued> logger, IEffectClaims claims)
    : INotificationHandler<EventReceived>
{
    public const string DeliveryEffect = "otp-delivery";

    public static readonly TimeSpan ClaimLifetime = TimeSpan.FromHours(24);

    public async ValueTask Handle(EventReceived notification, CancellationToken cancellationToken)
    {
        if (notification.Event.Data is not OtpIssued issued)
        {
            return;
        }

        if (clock.GetUtcNow() >= issued.ExpiresAt)
        {
            logger.LogInformation("OTP {OtpId} expired before delivery; not sent", issued.OtpId);
            return;
        }

        var eventId = notification.Event.EventId.ToString("N");
        // A redelivery after the OTP expired sends nothing anyway (above), so the claim only has to
        // outlive the OTP; a day covers every TTL an operator would set.
        if (!await claims.TryClaimAsync(DeliveryEffect, eventId, clock.GetUtcNow(), clock.GetUtcNow() + ClaimLifetime, cancellationToken))
        {
            logger.LogInformation("OTP {OtpId} was delivered before (event {EventId}); not sent again", issued.OtpId, eventId);
            return;
        }

        try
        {
            var code = await codes.DeriveAsync(issued.OtpId, cancellationToken);
            await sender.SendAsync(new OtpMessage(issued.Channel, issued.Primary, issued.OtpId, code, issued.ExpiresAt), cancellationToken);
        }
        catch
        {
            await claims.ReleaseAsync(DeliveryEffect, eventId, CancellationToken.None);
            throw;
        }

        logger.LogInformation("OTP {OtpId} sent by {Channel}", issued.OtpId, issued.Channel);
    }
}
