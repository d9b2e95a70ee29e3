namespace CleanCqrs.Application.Common.Metrics;

/// <summary>
/// Operational signals, named by <see cref="MetricNames"/>. Recording never throws and never waits:
/// the host decides where the numbers go (CloudWatch in Lambda, nowhere locally).
/// </summary>
public interface IMetrics
{
    /// <summary>Adds <paramref name="value"/> to a counter (unit: count).</summary>
    void Count(string metric, double value = 1, MetricDimensions dimensions = default);

    /// <summary>Records one duration sample (unit: milliseconds).</summary>
    void Duration(string metric, TimeSpan elapsed, MetricDimensions dimensions = default);
}

/// <summary>
/// What a value is broken down by, beyond the service. Kept to a few low-cardinality keys on
/// purpose: every distinct combination is a separate, billed CloudWatch metric.
/// </summary>
/// <param name="Command">The command's type name, e.g. <c>CreateOrg</c>.</param>
/// <param name="Outcome">One of <see cref="Outcomes"/>.</param>
public readonly record struct MetricDimensions(string? Command = null, string? Outcome = null)
{
    public static MetricDimensions ForCommand(string command, string outcome) => new(command, outcome);
}
