using System.Buffers.Text;

namespace CleanCqrs.Infrastructure.Security;

/// <summary>
/// Base64url as JWS requires it (RFC 7515 §2): the URL-safe alphabet, no padding, no whitespace.
/// The framework decoder is lenient (it takes padding and skips whitespace), so tokens are checked
/// here first: one accepted spelling per byte string leaves nothing to malleate.
/// </summary>
internal static class Base64UrlStrict
{
    public static string Encode(ReadOnlySpan<byte> bytes) => Base64Url.EncodeToString(bytes);

    public static bool IsAlphabet(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_';

    public static bool TryDecode(ReadOnlySpan<char> text, out byte[] bytes)
    {
        bytes = [];
        if (text.Length % 4 == 1)
        {
            return false;
        }

        foreach (var c in text)
        {
            if (!IsAlphabet(c))
            {
                return false;
            }
        }

        // Bits below the last whole byte must be zero, or two spellings would decode alike.
        if (text.Length % 4 != 0)
        {
            var unusedBits = text.Length % 4 == 2 ? 0b1111 : 0b11;
            if ((ValueOf(text[^1]) & unusedBits) != 0)
            {
                return false;
            }
        }

        bytes = Base64Url.DecodeFromChars(text);
        return true;
    }

    private static int ValueOf(char c) => c switch
    {
        >= 'A' and <= 'Z' => c - 'A',
        >= 'a' and <= 'z' => c - 'a' + 26,
        >= '0' and <= '9' => c - '0' + 52,
        '-' => 62,
        _ => 63,
    };
}
