namespace CleanCqrs.Application.Common.Ports;

/// <summary>One OTP on its way to the user; the only message that ever carries the code.</summary>
public sealed record OtpMessage(string Channel, string To, string OtpId, string Code, DateTimeOffset ExpiresAt);

/// <summary>Delivers OTPs: SMS for workers, e-mail for orgs (the dev mailbox locally).</summary>
public interface IOtpSender
{
    ValueTask SendAsync(OtpMessage message, CancellationToken cancellationToken);
}
