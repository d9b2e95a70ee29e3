namespace CleanCqrs.Bench;

/// <summary>Order statistics of one sample; percentiles by the nearest-rank method, so every value reported was observed.</summary>
public readonly record struct Summary(int Count, double Median, double P90, double P99, double Min, double Max)
{
    public static Summary Of(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return new Summary(0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
        }

        var middle = sorted.Length / 2;
        var median = sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
        return new Summary(sorted.Length, median, NearestRank(sorted, 0.90), NearestRank(sorted, 0.99), sorted[0], sorted[^1]);
    }

    private static double NearestRank(double[] sorted, double quantile)
    {
        var rank = (int)Math.Ceiling(quantile * sorted.Length);
        return sorted[Math.Clamp(rank, 1, sorted.Length) - 1];
    }
}
