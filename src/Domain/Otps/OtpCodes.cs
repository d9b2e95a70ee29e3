namespace CleanCqrs.Domain.Otps;

/// <summary>The shape of a code a user types: exactly six ASCII digits.</summary>
public static class OtpCodes
{
    public const int Length = 6;

    public static bool IsWellFormed(string? code) => code is { Length: Length } && code.All(char.IsAsciiDigit);
}
