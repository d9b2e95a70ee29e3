namespace CleanCqrs.Application.Tests.Support;

internal static class Moments
{
    public static readonly DateTimeOffset T0 = new(2025, 3, 1, 8, 0, 0, TimeSpan.Zero);
}
