namespace CleanCqrs.Application.Common.Metrics;

/// <summary>Records nothing: the default where no host wired a sink (local mode, unit tests).</summary>
public sealed class NullMetrics : IMetrics
{
    public static NullMetrics Instance { get; } = new();

    public void Count(string metric, double value = 1, MetricDimensions dimensions = default)
    {
    }

    public void Duration(string metric, TimeSpan elapsed, MetricDimensions dimensions = default)
    {
    }
}
