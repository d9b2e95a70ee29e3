namespace CleanCqrs.Domain.Otps;

/// <summary>An OTP's id: 128 random bits as 32 lower-case hex digits.</summary>
public static class OtpIds
{
    public const int Length = 32;

    public static bool TryNormalize(string? raw, out string otpId)
    {
        otpId = string.Empty;
        if (raw is null || raw.Length != Length)
        {
            return false;
        }

        foreach (var c in raw)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        otpId = raw.ToLowerInvariant();
        return true;
    }

    public static string FromBytes(ReadOnlySpan<byte> random128Bits) =>
        random128Bits.Length == 16
            ? Convert.ToHexStringLower(random128Bits)
            : throw new ArgumentException("An OTP id is 16 bytes.", nameof(random128Bits));
}
