using System.Globalization;

namespace CleanCqrs.Bench;

/// <summary>
/// <c>--name value</c>, <c>--name=value</c> and <c>--flag</c> options. Unknown names are an error, so a
/// typo never silently runs a different benchmark than the one asked for.
/// </summary>
public sealed class CommandLine
{
    private readonly Dictionary<string, List<string>> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);

    private CommandLine()
    {
    }

    public static CommandLine Parse(IReadOnlyList<string> args, IEnumerable<string> valueOptions, IEnumerable<string> flagOptions)
    {
        var valueNames = valueOptions.ToHashSet(StringComparer.Ordinal);
        var flagNames = flagOptions.ToHashSet(StringComparer.Ordinal);
        var parsed = new CommandLine();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                throw new UsageException($"unexpected argument '{arg}'");
            }

            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? arg : arg[..equals];
            if (flagNames.Contains(name) && equals < 0)
            {
                parsed._flags.Add(name);
                continue;
            }

            if (!valueNames.Contains(name))
            {
                throw new UsageException($"unknown option '{name}'");
            }

            string value;
            if (equals >= 0)
            {
                value = arg[(equals + 1)..];
            }
            else if (i + 1 < args.Count)
            {
                value = args[++i];
            }
            else
            {
                throw new UsageException($"option '{name}' needs a value");
            }

            if (!parsed._values.TryGetValue(name, out var list))
            {
                list = [];
                parsed._values[name] = list;
            }

            list.Add(value);
        }

        return parsed;
    }

    public bool Flag(string name) => _flags.Contains(name);

    public string? Value(string name) => _values.TryGetValue(name, out var list) ? list[^1] : null;

    public IReadOnlyList<string> Values(string name) => _values.TryGetValue(name, out var list) ? list : [];

    public int WholeNumber(string name, int fallback, int min, int max)
    {
        var raw = Value(name);
        if (raw is null)
        {
            return fallback;
        }

        return int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new UsageException($"{name} must be a whole number from {min} to {max}, not '{raw}'");
    }

    /// <summary><c>20</c> (seconds), <c>20s</c>, <c>500ms</c> or <c>2m</c>, between <paramref name="min"/> and <paramref name="max"/>.</summary>
    public TimeSpan Duration(string name, TimeSpan fallback, TimeSpan min, TimeSpan max)
    {
        var raw = Value(name);
        if (raw is null)
        {
            return fallback;
        }

        var (digits, unit) = raw.EndsWith("ms", StringComparison.Ordinal) ? (raw[..^2], 0.001)
            : raw.EndsWith('s') ? (raw[..^1], 1.0)
            : raw.EndsWith('m') ? (raw[..^1], 60.0)
            : (raw, 1.0);
        return double.TryParse(digits, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount)
               && TimeSpan.FromSeconds(amount * unit) is var span && span >= min && span <= max
            ? span
            : throw new UsageException($"{name} must be a duration from {min.TotalSeconds} s to {max.TotalSeconds} s (e.g. 20s, 500ms, 2m), not '{raw}'");
    }
}

/// <summary>A bad command line; the message says what to fix.</summary>
public sealed class UsageException(string message) : Exception(message);
