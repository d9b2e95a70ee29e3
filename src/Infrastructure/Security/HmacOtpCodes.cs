using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Domain.Otps;

namespace CleanCqrs.Infrastructure.Security;

/// <summary>
/// OTP codes that are never stored: code = HOTP dynamic truncation (RFC 4226 §5.3) of
/// HMAC-SHA256(server key, "cleancqrs-otp:" + otpId), mod 10^6, as six digits. The id is random and
/// public; without the key the code cannot be told from a random one.
/// </summary>
public sealed class HmacOtpCodes(IOtpSecret secret) : IOtpCodes
{
    /// <summary>Separates these MACs from anything else the same key might ever be used for.</summary>
    public const string MessagePrefix = "cleancqrs-otp:";

    private const int Modulus = 1_000_000;

    public async ValueTask<string> DeriveAsync(string otpId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(otpId);
        var mac = await secret.ComputeMacAsync(Encoding.UTF8.GetBytes(MessagePrefix + otpId), cancellationToken);
        return (Truncate(mac) % Modulus).ToString("D6", CultureInfo.InvariantCulture);
    }

    public async ValueTask<bool> MatchesAsync(string otpId, string code, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(otpId) || !OtpCodes.IsWellFormed(code))
        {
            return false;
        }

        var expected = await DeriveAsync(otpId, cancellationToken);
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(code));
    }

    /// <summary>RFC 4226 §5.3: 31 bits read at the offset named by the low nibble of the last byte.</summary>
    internal static int Truncate(ReadOnlySpan<byte> mac)
    {
        var offset = mac[^1] & 0x0F;
        return (int)(BinaryPrimitives.ReadUInt32BigEndian(mac.Slice(offset, 4)) & 0x7FFF_FFFF);
    }
}
