namespace CleanCqrs.Application.Common.Ports;

/// <summary>
/// OTP codes derived from the OTP id under one server key (an HMAC), so no code is ever stored.
/// </summary>
public interface IOtpCodes
{
    ValueTask<string> DeriveAsync(string otpId, CancellationToken cancellationToken);

    /// <summary>Whether <paramref name="code"/> is the one for <paramref name="otpId"/>, compared in constant time.</summary>
    ValueTask<bool> MatchesAsync(string otpId, string code, CancellationToken cancellationToken);
}
