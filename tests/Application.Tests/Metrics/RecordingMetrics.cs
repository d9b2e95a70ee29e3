using CleanCqrs.Application.Common.Metrics;

namespace CleanCqrs.Application.Tests.Metrics;

/// <summary>Every value recorded, in order.</summary>
internal sealed class RecordingMetrics : IMetrics
{
    private readonly List<(string Metric, double Value, MetricDimensions Dimensions)> _values = [];

    public IReadOnlyList<(string Metric, double Value, MetricDimensions Dimensions)> Values => _values;

    public void Count(string metric, double value = 1, MetricDimensions dimensions = default) => _values.Add((metric, value, dimensions));

    public void Duration(string metric, TimeSpan elapsed, MetricDimensions dimensions = default) =>
        _values.Add((metric, elapsed.TotalMilliseconds, dimensions));

    public IEnumerable<double> Of(string metric) => _values.Where(v => v.Metric == metric).Select(v => v.Value);
}
