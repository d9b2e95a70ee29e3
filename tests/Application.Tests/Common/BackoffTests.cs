using CleanCqrs.Application.Common;
using Microsoft.Extensions.Time.Testing;

namespace CleanCqrs.Application.Tests.Common;

public class BackoffTests
{
    private static readonly Backoff Throttling = new(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(3));

    // A window so wide that a wait rounding down to no time at all (under 1 ms) is a one in 86 million chance.
    private static readonly Backoff Daily = new(TimeSpan.FromDays(1), TimeSpan.FromDays(1));

    [Test]
    public void The_window_doubles_from_the_base_up_to_the_cap()
    {
        var windows = Enumerable.Range(1, 8).Select(Throttling.CeilingFor).Select(w => w.TotalMilliseconds);

        Assert.That(windows, Is.EqualTo(new[] { 100d, 200, 400, 800, 1600, 3000, 3000, 3000 }));
    }

    [Test]
    public void Immediate_retries_do_not_wait_and_the_doubling_starts_after_them()
    {
        var conflicts = new Backoff(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(20), immediateRetries: 2);

        Assert.Multiple(() =>
        {
            Assert.That(Enumerable.Range(1, 8).Select(conflicts.CeilingFor).Select(w => w.TotalMilliseconds), Is.EqualTo(new[] { 0d, 0, 1, 2, 4, 8, 16, 20 }));
            Assert.That(conflicts.DelayFor(1, new Random(7)), Is.EqualTo(TimeSpan.Zero));
            Assert.That(conflicts.DelayFor(2, new Random(7)), Is.EqualTo(TimeSpan.Zero));
        });
    }

    [TestCase(1)]
    [TestCase(5)]
    [TestCase(63)]
    [TestCase(64)]
    [TestCase(int.MaxValue)]
    public void A_long_run_of_retries_saturates_at_the_cap(int attempt)
    {
        Assert.That(new Backoff(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(20)).CeilingFor(attempt), Is.LessThanOrEqualTo(TimeSpan.FromMilliseconds(20)));
        Assert.That(new Backoff(TimeSpan.FromMilliseconds(1), TimeSpan.MaxValue).CeilingFor(attempt), Is.GreaterThan(TimeSpan.Zero));
    }

    [Test]
    public void Every_wait_is_within_its_window_never_negative_never_over_the_cap()
    {
        var random = new Random(20261203);
        for (var attempt = 1; attempt <= 40; attempt++)
        {
            var window = Throttling.CeilingFor(attempt);
            for (var i = 0; i < 200; i++)
            {
                var delay = Throttling.DelayFor(attempt, random);
                Assert.That(delay, Is.GreaterThanOrEqualTo(TimeSpan.Zero).And.LessThan(window).And.LessThanOrEqualTo(Throttling.Max), $"attempt {attempt}");
            }
        }
    }

    [Test]
    public void The_jitter_spreads_the_waits_over_the_whole_window()
    {
        var random = new Random(42);
        var delays = Enumerable.Range(0, 2000).Select(_ => Throttling.DelayFor(4, random).TotalMilliseconds).ToList();

        // Full jitter: uniform in [0, 800 ms), so both ends of the window are reached and the mean is half of it.
        Assert.Multiple(() =>
        {
            Assert.That(delays.Min(), Is.LessThan(40));
            Assert.That(delays.Max(), Is.GreaterThan(760));
            Assert.That(delays.Average(), Is.EqualTo(400).Within(25));
        });
    }

    [Test]
    public void The_same_share_of_a_later_window_is_never_shorter()
    {
        for (var attempt = 1; attempt < 10; attempt++)
        {
            Assert.That(
                Throttling.DelayFor(attempt + 1, new Random(attempt)),
                Is.GreaterThanOrEqualTo(Throttling.DelayFor(attempt, new Random(attempt))),
                $"attempt {attempt}");
        }

        Assert.That(Throttling.DelayFor(5, new Random(3)), Is.GreaterThan(Throttling.DelayFor(1, new Random(3))));
    }

    [Test]
    public void A_seeded_random_gives_the_same_waits()
    {
        var first = Enumerable.Range(1, 10).Select(a => Throttling.DelayFor(a, new Random(11))).ToList();
        var second = Enumerable.Range(1, 10).Select(a => Throttling.DelayFor(a, new Random(11))).ToList();

        Assert.That(second, Is.EqualTo(first));
    }

    [Test]
    public void Rejects_parameters_that_cannot_back_off()
    {
        Assert.Multiple(() =>
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => _ = new Backoff(TimeSpan.Zero, TimeSpan.FromSeconds(1)));
            Assert.Throws<ArgumentOutOfRangeException>(() => _ = new Backoff(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1)));
            Assert.Throws<ArgumentOutOfRangeException>(() => _ = new Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), immediateRetries: -1));
            Assert.Throws<ArgumentOutOfRangeException>(() => Throttling.CeilingFor(0));
        });
    }

    [Test]
    public async Task The_wait_runs_on_the_given_clock_and_ends_when_it_has_passed()
    {
        var clock = new FakeTimeProvider();
        var wait = Daily.DelayAsync(1, clock, CancellationToken.None);

        Assert.That(wait.IsCompleted, Is.False);
        clock.Advance(Daily.Max);
        await wait.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(wait.IsCompletedSuccessfully, Is.True);
    }

    [Test]
    public void The_wait_ends_when_it_is_cancelled()
    {
        using var cancel = new CancellationTokenSource();
        var wait = Daily.DelayAsync(1, new FakeTimeProvider(), cancel.Token);

        cancel.Cancel();

        Assert.That(async () => await wait, Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public void An_immediate_retry_does_not_touch_the_clock()
    {
        var clock = new FakeTimeProvider();

        Assert.That(new Backoff(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(20), immediateRetries: 1).DelayAsync(1, clock, CancellationToken.None).IsCompletedSuccessfully, Is.True);
    }
}
