using System.Globalization;

namespace CleanCqrs.LambdaHost.Http;

/// <summary>One entity tag: the opaque string between the quotes, and whether it was weak (<c>W/</c>).</summary>
public readonly record struct EntityTag(string Opaque, bool IsWeak);

/// <summary>
/// An <c>If-Match</c> or <c>If-None-Match</c> field value (RFC 9110 section 13.1): <c>*</c> or a
/// list of entity tags. An org's tag is its version in quotes, <c>"3"</c>.
/// </summary>
public sealed class EntityTagCondition
{
    private EntityTagCondition(bool isAny, IReadOnlyList<EntityTag> tags)
    {
        IsAny = isAny;
        Tags = tags;
    }

    /// <summary><c>*</c>: any current representation.</summary>
    public bool IsAny { get; }

    public IReadOnlyList<EntityTag> Tags { get; }

    public static string Format(long version) => "\"" + version.ToString(CultureInfo.InvariantCulture) + "\"";

    /// <summary>If-Match: strong comparison, so a weak tag never matches.</summary>
    public bool MatchesStrongly(long version) =>
        IsAny || Tags.Any(t => !t.IsWeak && t.Opaque == version.ToString(CultureInfo.InvariantCulture));

    /// <summary>If-None-Match: weak comparison, the <c>W/</c> prefix is ignored.</summary>
    public bool MatchesWeakly(long version) =>
        IsAny || Tags.Any(t => t.Opaque == version.ToString(CultureInfo.InvariantCulture));

    /// <summary>
    /// The versions a strong comparison could match: the strong tags whose opaque string is a
    /// version as this API writes it (a non-negative integer without leading zeros).
    /// </summary>
    public IReadOnlyList<long> StrongVersions() =>
        [.. Tags.Where(t => !t.IsWeak && IsCanonicalVersion(t.Opaque))
            .Select(t => long.Parse(t.Opaque, NumberStyles.None, CultureInfo.InvariantCulture))
            .Distinct()];

    /// <summary>Parses the field value; false when it is not <c>*</c> or a comma-separated list of quoted tags.</summary>
    public static bool TryParse(string value, out EntityTagCondition condition)
    {
        condition = null!;
        if (value.AsSpan().Trim(" \t").SequenceEqual("*"))
        {
            condition = new EntityTagCondition(true, []);
            return true;
        }

        var tags = new List<EntityTag>();
        var i = 0;
        while (true)
        {
            // Empty list elements and optional whitespace are allowed (RFC 9110 section 5.6.1.2).
            while (i < value.Length && value[i] is ' ' or '\t' or ',')
            {
                i++;
            }

            if (i == value.Length)
            {
                break;
            }

            var weak = false;
            if (string.CompareOrdinal(value, i, "W/", 0, 2) == 0)
            {
                weak = true;
                i += 2;
            }

            if (i >= value.Length || value[i] != '"')
            {
                return false;
            }

            var start = ++i;
            while (i < value.Length && IsEtagChar(value[i]))
            {
                i++;
            }

            if (i >= value.Length || value[i] != '"')
            {
                return false;
            }

            tags.Add(new EntityTag(value[start..i], weak));
            i++;
            while (i < value.Length && value[i] is ' ' or '\t')
            {
                i++;
            }

            if (i < value.Length && value[i] != ',')
            {
                return false;
            }
        }

        condition = new EntityTagCondition(false, tags);
        return true;
    }

    // etagc = %x21 / %x23-7E / obs-text
    private static bool IsEtagChar(char c) => c == '!' || (c >= '#' && c <= '~') || c >= '\u0080';

    private static bool IsCanonicalVersion(string opaque) =>
        opaque.Length is > 0 and <= 19
        && opaque.All(char.IsAsciiDigit)
        && (opaque.Length == 1 || opaque[0] != '0')
        && long.TryParse(opaque, NumberStyles.None, CultureInfo.InvariantCulture, out _);
}
