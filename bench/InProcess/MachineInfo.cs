using System.Globalization;
using System.Runtime.InteropServices;

namespace CleanCqrs.Bench.InProcess;

/// <summary>What a reader needs to weigh a number: the machine, the runtime, the time, how busy the box was.</summary>
public static class MachineInfo
{
    public static string Describe()
    {
        var now = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
        return $"{now}; {Environment.ProcessorCount} cores ({CpuModel()}), {MemoryGiB()} GiB memory, {RuntimeInformation.OSDescription}, "
            + $".NET {Environment.Version}, {RuntimeInformation.ProcessArchitecture}";
    }

    public static string LoadAverage() => MachineLoad.OneMinuteAverage();

    private static string CpuModel()
    {
        try
        {
            return File.ReadLines("/proc/cpuinfo")
                .FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?
                .Split(':', 2)[1].Trim() ?? "CPU model unknown";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "CPU model unknown";
        }
    }

    private static string MemoryGiB()
    {
        try
        {
            var line = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
            var kib = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
            return (kib / 1024.0 / 1024.0).ToString("F1", CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or FormatException)
        {
            return "unknown";
        }
    }
}
