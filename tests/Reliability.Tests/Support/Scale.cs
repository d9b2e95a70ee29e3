namespace CleanCqrs.Reliability.Tests.Support;

/// <summary>
/// How hard the suites push: the CI default keeps the project within about a minute and a half;
/// <c>RELIABILITY_SCALE=large</c> runs the larger settings of the issue.
/// </summary>
public static class Scale
{
    public const string Variable = "RELIABILITY_SCALE";

    public static bool IsLarge { get; } =
        string.Equals(Environment.GetEnvironmentVariable(Variable)?.Trim(), "large", StringComparison.OrdinalIgnoreCase);

    /// <summary><paramref name="normal"/> by default, <paramref name="large"/> with the large scale.</summary>
    public static int Pick(int normal, int large) => IsLarge ? large : normal;
}
