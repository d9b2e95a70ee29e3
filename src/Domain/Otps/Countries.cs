using System.Collections.Frozen;

namespace CleanCqrs.Domain.Otps;

/// <summary>The countries the service operates in (ISO 3166-1 alpha-2).</summary>
public static class Countries
{
    public static readonly IReadOnlyList<string> All =
        ["ID", "PH", "VN", "SG", "MY", "TH", "KH", "LA", "MM", "BN", "JP", "TW", "KR", "HK"];

    private static readonly FrozenSet<string> Supported = All.ToFrozenSet(StringComparer.Ordinal);

    public static bool TryNormalize(string? raw, out string country)
    {
        country = raw?.Trim().ToUpperInvariant() ?? string.Empty;
        return Supported.Contains(country);
    }
}
