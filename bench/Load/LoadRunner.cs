using System.Diagnostics;
using System.Globalization;

namespace CleanCqrs.Bench.Load;

internal sealed record LoadResult(
    int Users, TimeSpan Warmup, TimeSpan Measured, long Requests, Summary LatencyMs, IReadOnlyDictionary<string, long> Outcomes, long LoadStarted, long LoadEnded);

/// <summary>
/// Closed loop: each virtual user sends its next request as soon as the previous one is answered.
/// Requests started during the warm-up are sent but not counted; the measured phase ends at the
/// deadline or when <c>maxRequests</c> have been started, whichever comes first.
/// </summary>
internal static class LoadRunner
{
    public static async Task<LoadResult> RunAsync(
        IScenario scenario, int users, TimeSpan warmup, TimeSpan duration, long maxRequests, CancellationToken cancellationToken)
    {
        var loadStarted = Stopwatch.GetTimestamp();
        var measureFrom = loadStarted + (long)(warmup.TotalSeconds * Stopwatch.Frequency);
        var measureUntil = measureFrom + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        long started = 0;
        var recorders = Enumerable.Range(0, users).Select(_ => new Recorder()).ToArray();

        await Task.WhenAll(Enumerable.Range(0, users).Select(user => Task.Run(async () =>
        {
            var recorder = recorders[user];
            while (!cancellationToken.IsCancellationRequested)
            {
                var before = Stopwatch.GetTimestamp();
                if (before >= measureUntil)
                {
                    break;
                }

                var measured = before >= measureFrom;
                if (measured && Interlocked.Increment(ref started) > maxRequests)
                {
                    break;
                }

                string outcome;
                try
                {
                    outcome = (await scenario.StepAsync(user, cancellationToken)).ToString(CultureInfo.InvariantCulture);
                }
                catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    outcome = "timeout";
                }
                catch (HttpRequestException e)
                {
                    outcome = $"error: {e.HttpRequestError}";
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                var after = Stopwatch.GetTimestamp();
                if (measured)
                {
                    recorder.Add(Stopwatch.GetElapsedTime(before, after).TotalMilliseconds, outcome, after);
                }
            }
        }, CancellationToken.None)));
        var loadEnded = Stopwatch.GetTimestamp();

        var lastAnswer = recorders.Select(r => r.LastAnswer).DefaultIfEmpty(measureFrom).Max();
        var measuredSpan = Stopwatch.GetElapsedTime(measureFrom, Math.Max(lastAnswer, measureFrom));
        var outcomes = recorders.SelectMany(r => r.Outcomes)
            .GroupBy(o => o.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Sum(o => o.Value), StringComparer.Ordinal);
        return new LoadResult(
            users,
            warmup,
            measuredSpan,
            recorders.Sum(r => (long)r.Latencies.Count),
            Summary.Of(recorders.SelectMany(r => r.Latencies)),
            outcomes,
            loadStarted,
            loadEnded);
    }

    /// <summary>One user's measurements, so users never contend on a shared collection.</summary>
    private sealed class Recorder
    {
        public List<double> Latencies { get; } = [];

        public Dictionary<string, long> Outcomes { get; } = new(StringComparer.Ordinal);

        public long LastAnswer { get; private set; }

        public void Add(double milliseconds, string outcome, long answeredAt)
        {
            Latencies.Add(milliseconds);
            Outcomes[outcome] = Outcomes.GetValueOrDefault(outcome) + 1;
            LastAnswer = answeredAt;
        }
    }
}
