namespace CleanCqrs.Infrastructure.Security;

/// <summary>
/// The one server key that OTP codes are derived from. It only ever computes MACs and never hands
/// the key out, so KMS <c>GenerateMac</c> (HMAC_SHA_256, key held in KMS) can stand in for the local
/// key file. Kept apart from the OTPs themselves: whoever reads the event store cannot rebuild a code.
/// </summary>
public interface IOtpSecret
{
    /// <summary>HMAC-SHA256 of <paramref name="message"/> under the server key (32 bytes).</summary>
    ValueTask<byte[]> ComputeMacAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken);
}
