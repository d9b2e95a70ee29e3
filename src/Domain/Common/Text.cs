using System.Buffers;
using System.Globalization;
using System.Text;

namespace CleanCqrs.Domain.Common;

/// <summary>Text rules shared by value objects: trimming, code point length, control characters.</summary>
public static class Text
{
    /// <summary>Trims; whitespace-only and null become the empty string.</summary>
    public static string Normalize(string? raw) => raw?.Trim() ?? string.Empty;

    /// <summary>
    /// Trims a field into <paramref name="value"/> and checks it: presence when required, length in code points, characters.
    /// Null when valid, otherwise the message.
    /// </summary>
    public static string? Check(string? raw, out string value, bool required, int maxLength, bool allowLineBreaksAndTabs)
    {
        value = Normalize(raw);
        return raw is null && required ? "is required"
            : required && value.Length == 0 ? "must not be empty"
            : CodePoints(value) > maxLength ? $"must be at most {maxLength} characters"
            : CheckCharacters(value, allowLineBreaksAndTabs);
    }

    /// <summary>Length in Unicode code points (a surrogate pair counts once).</summary>
    public static int CodePoints(string value)
    {
        var count = 0;
        foreach (var _ in value.EnumerateRunes())
        {
            count++;
        }

        return count;
    }

    /// <summary>
    /// Null when the text is well-formed UTF-16 with no control characters (other than those allowed);
    /// otherwise the reason.
    /// </summary>
    public static string? CheckCharacters(string value, bool allowLineBreaksAndTabs)
    {
        var span = value.AsSpan();
        while (!span.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(span, out var rune, out var consumed) != OperationStatus.Done)
            {
                return "must be valid Unicode text";
            }

            var category = Rune.GetUnicodeCategory(rune);
            var isLineBreak = rune.Value is '\n' or '\r' || category is UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;
            if ((category == UnicodeCategory.Control || isLineBreak)
                && !(allowLineBreaksAndTabs && (isLineBreak || rune.Value == '\t')))
            {
                return allowLineBreaksAndTabs
                    ? "must not contain control characters other than line breaks and tabs"
                    : "must not contain control characters";
            }

            span = span[consumed..];
        }

        return null;
    }
}
