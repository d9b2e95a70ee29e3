using System.Globalization;

namespace CleanCqrs.Bench;

/// <summary>How busy the machine was: numbers from a shared box mean little without it.</summary>
public static class MachineLoad
{
    /// <summary>The 1-minute load average from <c>/proc/loadavg</c>, or "unknown" where there is none.</summary>
    public static string OneMinuteAverage()
    {
        try
        {
            var first = File.ReadAllText("/proc/loadavg").Split(' ')[0];
            return double.TryParse(first, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
                ? value.ToString("F2", CultureInfo.InvariantCulture)
                : "unknown";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "unknown";
        }
    }
}
