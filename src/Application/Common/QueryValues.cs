using System.Globalization;
using CleanCqrs.Domain.Common;

namespace CleanCqrs.Application.Common;

/// <summary>Query-string values as a query receives them (a parameter may repeat), parsed once.</summary>
public static class QueryValues
{
    /// <summary>
    /// An optional whole number from <paramref name="min"/> to <paramref name="max"/>, given at most
    /// once, in decimal digits (leading zeros are fine; a sign, a fraction or spaces are not).
    /// </summary>
    public static Result<long?> WholeNumber(string field, IReadOnlyList<string>? values, long min, long max)
    {
        if (values is null || values.Count == 0)
        {
            return (long?)null;
        }

        var range = max == long.MaxValue
            ? min == 0 ? "must be a non-negative integer" : $"must be an integer of at least {min}"
            : $"must be an integer from {min} to {max}";
        if (values.Count != 1)
        {
            return ValidationError.For(field, "must be given once");
        }

        var raw = values[0];
        if (raw.Length == 0 || !raw.All(char.IsAsciiDigit))
        {
            return ValidationError.For(field, range);
        }

        if (!long.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            return ValidationError.For(field, $"must be at most {max}");
        }

        return value < min || value > max ? ValidationError.For(field, range) : value;
    }
}
