using System.Globalization;

namespace CleanCqrs.Infrastructure.Configuration;

/// <summary>
/// The one place environment settings are parsed. A variable that is unset or blank is missing: its
/// default, or for a required one an error. A set value is trimmed (secrets excepted, see
/// <see cref="Secret"/>), and a malformed one is never defaulted: it throws
/// <see cref="SettingsException"/>, <c>Configuration error: NAME must be ACCEPTED, not 'VALUE'.</c>
/// </summary>
/// <param name="source">Where the values come from: the process environment unless a test passes its own.</param>
public sealed class SettingsReader(Func<string, string?>? source = null)
{
    private readonly Func<string, string?> _source = source ?? Environment.GetEnvironmentVariable;

    /// <summary>The trimmed value, or null when the variable is unset or blank.</summary>
    public string? Optional(string name) =>
        _source(name) is { } raw && !string.IsNullOrWhiteSpace(raw) ? raw.Trim() : null;

    /// <summary>The trimmed value, null when missing; throws when <paramref name="isValid"/> refuses it.</summary>
    public string? Optional(string name, string accepted, Func<string, bool> isValid)
    {
        ArgumentNullException.ThrowIfNull(isValid);
        var value = Optional(name);
        return value is null || isValid(value) ? value : throw SettingsException.Invalid(name, accepted, value);
    }

    public bool IsSet(string name) => Optional(name) is not null;

    public string Text(string name, string fallback) => Optional(name) ?? fallback;

    public string Text(string name, string fallback, string accepted, Func<string, bool> isValid) =>
        Optional(name, accepted, isValid) ?? fallback;

    public string Required(string name, string accepted) => Optional(name) ?? throw SettingsException.Missing(name, accepted);

    public string Required(string name, string accepted, Func<string, bool> isValid) =>
        Optional(name, accepted, isValid) ?? throw SettingsException.Missing(name, accepted);

    /// <summary>The value exactly as set, untrimmed, and "" apart from unset: for secrets, whose spaces are theirs.</summary>
    public string? Secret(string name) => _source(name);

    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>, digits only.</summary>
    public int WholeNumber(string name, int fallback, int min = 1, int max = int.MaxValue)
    {
        if (Optional(name) is not { } value)
        {
            return fallback;
        }

        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= min && number <= max
            ? number
            : throw SettingsException.Invalid(name, WholeNumberRule(min, max), value);
    }

    /// <summary>A positive duration: whole seconds (<c>300</c>) or a TimeSpan (<c>00:05:00</c>).</summary>
    public TimeSpan Duration(string name, TimeSpan fallback)
    {
        if (Optional(name) is not { } value)
        {
            return fallback;
        }

        if (long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds > 0)
        {
            return TimeSpan.FromSeconds(seconds);
        }

        return TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out var span) && span > TimeSpan.Zero
            ? span
            : throw SettingsException.Invalid(name, "a positive number of seconds or a duration such as 00:05:00", value);
    }

    /// <summary><c>true</c> or <c>false</c>, in any case.</summary>
    public bool Bool(string name, bool fallback) => OneOf(name, fallback, ("true", true), ("false", false));

    /// <summary>One of the named values, compared ignoring case; the message lists them all.</summary>
    public T OneOf<T>(string name, T fallback, params ReadOnlySpan<(string Text, T Value)> accepted)
    {
        if (Optional(name) is not { } value)
        {
            return fallback;
        }

        var texts = new string[accepted.Length];
        for (var i = 0; i < accepted.Length; i++)
        {
            if (string.Equals(value, accepted[i].Text, StringComparison.OrdinalIgnoreCase))
            {
                return accepted[i].Value;
            }

            texts[i] = accepted[i].Text;
        }

        throw SettingsException.Invalid(name, $"one of {string.Join(", ", texts)}", value);
    }

    /// <summary>An absolute http or https URL, or null when missing.</summary>
    public Uri? HttpUrl(string name, string accepted = "an absolute http or https URL") =>
        Optional(name, accepted, IsHttpUrl) is { } value ? new Uri(value, UriKind.Absolute) : null;

    private static bool IsHttpUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    private static string WholeNumberRule(int min, int max) => (min, max) switch
    {
        (1, int.MaxValue) => "a positive whole number",
        (_, int.MaxValue) => string.Create(CultureInfo.InvariantCulture, $"a whole number of at least {min}"),
        _ => string.Create(CultureInfo.InvariantCulture, $"a whole number from {min} to {max}"),
    };
}
