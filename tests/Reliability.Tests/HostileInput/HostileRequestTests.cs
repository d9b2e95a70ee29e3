using System.Diagnostics;
using CleanCqrs.LambdaHost.Lambda;
using CleanCqrs.Reliability.Tests.Support;
using CsCheck;

namespace CleanCqrs.Reliability.Tests.HostileInput;

/// <summary>
/// Generated malformed and adversarial API requests (CsCheck generators, fixed seed) on every route,
/// in both payload formats, through the function entry: never a 5xx, never an exception out of the
/// function (API Gateway would turn it into a 502), every error a complete problem+json, and no
/// change of state at all.
/// </summary>
public sealed class HostileRequestTests : HostileFixture
{
    /// <summary>The PCG seed; a failure prints the seed of its own case, which regenerates it alone.</summary>
    private const ulong Seed = 0x5EED_2026_1127;

    [Test]
    public async Task Hostile_requests_never_get_a_5xx_get_problem_details_and_change_nothing()
    {
        var iterations = Scale.Pick(10_000, 100_000);
        var generator = new HostileRequests(World).All;
        var before = await SnapshotAsync();
        var pcg = new PCG(1, Seed);
        var failures = new List<string>();
        var statuses = new SortedDictionary<int, int>();
        var kinds = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var clock = Stopwatch.StartNew();
        var generating = TimeSpan.Zero;
        var timeByKind = new Dictionary<string, TimeSpan>();
        for (var i = 0; i < iterations && failures.Count < 10; i++)
        {
            var caseSeed = pcg.ToString();
            var t0 = Stopwatch.GetTimestamp();
            var hostile = generator.Generate(pcg, null, out _);
            generating += Stopwatch.GetElapsedTime(t0);
            kinds[hostile.Kind] = kinds.GetValueOrDefault(hostile.Kind) + 1;
            var t1 = Stopwatch.GetTimestamp();
            var (status, violation) = await CheckAsync(hostile, i);
            timeByKind[hostile.Kind] = timeByKind.GetValueOrDefault(hostile.Kind) + Stopwatch.GetElapsedTime(t1);
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            if (violation is not null)
            {
                failures.Add($"{HostileRequests.Describe(i, caseSeed)}: {violation}\n{hostile}");
            }
        }

        TestContext.Progress.WriteLine(
            $"hostile requests (seed 0x{Seed:X}): {iterations} in {clock.Elapsed.TotalSeconds:0.0} s; statuses {string.Join(", ", statuses.Select(s => $"{s.Key}: {s.Value}"))}");
        TestContext.Progress.WriteLine($"  generating {generating.TotalSeconds:0.0} s; " + string.Join(", ", timeByKind.Select(k => $"{k.Key}: {k.Value.TotalSeconds:0.00}")));
        TestContext.Progress.WriteLine($"  kinds: {string.Join(", ", kinds.Select(k => $"{k.Key}: {k.Value}"))}");
        Assert.That(failures, Is.Empty,
            $"seed 0x{Seed:X}; regenerate one case with generator.Generate(PCG.Parse(caseSeed), null, out _):\n\n" + string.Join("\n\n", failures));
        Assert.That(await SnapshotAsync(), Is.EqualTo(before), "the stored state changed");
    }

    /// <summary>The status, and what is wrong with the answer (null when nothing is).</summary>
    private async Task<(int Status, string? Violation)> CheckAsync(HostileCase hostile, int iteration)
    {
        var writes = Writes();
        byte[] raw;
        try
        {
            raw = await Service.Function.HandleAsync(
                hostile.ToEvent(), new InvocationContext($"hostile-{iteration}", DateTimeOffset.UtcNow.AddSeconds(30)), CancellationToken.None);
        }
        catch (Exception ex)
        {
            return (-1, $"the function threw {ex.GetType().Name}: {ex.Message} (API Gateway answers 502)");
        }

        ApiResponse response;
        try
        {
            response = ApiResponse.Parse(raw, hostile.Request);
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or InvalidOperationException or FormatException or NullReferenceException)
        {
            return (-2, $"the function's answer is no proxy response ({ex.Message})");
        }

        var status = response.Status;
        if (status >= 500)
        {
            return (status, $"answered {response}");
        }

        // SPEC 5.1: HEAD answers with GET's status and headers and no body.
        if (hostile.Request.Method == "HEAD")
        {
            if (!string.IsNullOrEmpty(response.Body))
            {
                return (status, $"HEAD answered with a body: {response}");
            }

            if (status >= 400 && !(response.Header("Content-Type") ?? "").StartsWith(ProblemCheck.MediaType, StringComparison.Ordinal))
            {
                return (status, $"HEAD {status} does not say it is a problem: {response.Header("Content-Type")}");
            }
        }
        else if (status >= 400 && ProblemCheck.Violation(response) is { } problem)
        {
            return (status, $"{status} is no proper problem: {problem}; body {response.Body}");
        }

        if (hostile.Expected is { } expected && !expected.Contains(status))
        {
            return (status, $"answered {response}, not {string.Join(" or ", expected)}");
        }

        if (status == 405 && response.Header("Allow") is null)
        {
            return (status, "a 405 without Allow");
        }

        return Writes() != writes ? (status, $"it wrote: before {writes}, after {Writes()} (store, publishes, projections)") : (status, null);
    }
}
