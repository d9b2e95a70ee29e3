using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Application.Common.Projections;
using CleanCqrs.Domain.Otps;
using Mediator;
using Microsoft.Extensions.Logging;

namespace CleanCqrs.Application.Otps.EventHandlers;

/// <summary>
/// Sends a newly issued OTP to its owner: SMS for workers, e-mail for orgs. The code is derived here
/// and exists only in the message to the user. An OTP that expired before delivery is not sent.
/// </summary>
public sealed class DeliverOtpOnOtpIssued(IOtpCodes codes, IOtpSender sender, TimeProvider clock, ILogger<DeliverOtpOnOtpIssued> logger)
    : INotificationHandler<EventReceived>
{
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

        var code = await codes.DeriveAsync(issued.OtpId, cancellationToken);
        await sender.SendAsync(new OtpMessage(issued.Channel, issued.Primary, issued.OtpId, code, issued.ExpiresAt), cancellationToken);
        logger.LogInformation("OTP {OtpId} sent by {Channel}", issued.OtpId, issued.Channel);
    }
}
