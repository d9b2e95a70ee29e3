using CleanCqrs.Application.Common.Ports;

namespace CleanCqrs.Infrastructure.Tests.Contracts;

/// <summary>What every <see cref="IRateLimiter"/> must do (SPEC 5.3, decision 0019), run against each adapter.</summary>
public abstract class RateLimiterContract
{
    protected static readonly DateTimeOffset T0 = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    protected IRateLimiter Limiter { get; private set; } = null!;

    protected abstract ValueTask<IRateLimiter> CreateAsync();

    protected virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;

    [SetUp]
    public async Task Create() => Limiter = await CreateAsync();

    [TearDown]
    public async Task Dispose() => await DisposeAsync();

    private static string NewKey() => "k-" + Guid.NewGuid().ToString("N")[..12];

    private ValueTask<RateDecision> Acquire(DateTimeOffset at, params RateLimit[] limits) => Limiter.TryAcquireAsync(limits, at, None);

    [Test]
    public async Task Accepts_up_to_the_limit_then_refuses_until_the_oldest_leaves_the_window()
    {
        var limit = new RateLimit(NewKey(), 3, Hour, "test");
        for (var i = 0; i < 3; i++)
        {
            Assert.That((await Acquire(T0.AddMinutes(i), limit)).IsAccepted, Is.True, $"acquisition {i + 1}");
        }

        var refused = await Acquire(T0.AddMinutes(10), limit);

        Assert.That(refused.IsAccepted, Is.False);
        Assert.That(refused.RefusedBy, Is.EqualTo(limit));
        Assert.That(refused.RetryAfter, Is.EqualTo(TimeSpan.FromMinutes(50)));
        Assert.That((await Acquire(T0.AddMinutes(60).AddTicks(-1), limit)).IsAccepted, Is.False, "one tick before the oldest is an hour old");
        Assert.That((await Acquire(T0.AddMinutes(60), limit)).IsAccepted, Is.True, "the oldest has left");
        Assert.That((await Acquire(T0.AddMinutes(60), limit)).IsAccepted, Is.False, "refusals counted nothing: exactly one place came free");
    }

    [Test]
    public async Task Two_limits_on_one_key_hold_together()
    {
        var key = NewKey();
        var cooldown = new RateLimit(key, 1, TimeSpan.FromSeconds(30), "pair");
        var hourly = new RateLimit(key, 2, Hour, "pair");

        Assert.That((await Acquire(T0, cooldown, hourly)).IsAccepted, Is.True);
        var tooSoon = await Acquire(T0.AddSeconds(10), cooldown, hourly);
        Assert.That((tooSoon.RefusedBy, tooSoon.RetryAfter), Is.EqualTo(((RateLimit?)cooldown, TimeSpan.FromSeconds(20))));
        Assert.That((await Acquire(T0.AddSeconds(30), cooldown, hourly)).IsAccepted, Is.True);
        var hourFull = await Acquire(T0.AddMinutes(5), cooldown, hourly);
        Assert.That((hourFull.RefusedBy, hourFull.RetryAfter), Is.EqualTo(((RateLimit?)hourly, TimeSpan.FromMinutes(55))));
    }

    [Test]
    public async Task Counts_against_every_limit_or_none()
    {
        var roomy = new RateLimit(NewKey(), 2, Hour, "roomy");
        var full = new RateLimit(NewKey(), 1, Hour, "full");
        Assert.That((await Acquire(T0, full)).IsAccepted, Is.True);

        var refused = await Acquire(T0.AddMinutes(1), roomy, full);

        Assert.That(refused.RefusedBy, Is.EqualTo(full));
        Assert.That((await Acquire(T0.AddMinutes(2), roomy)).IsAccepted, Is.True);
        Assert.That((await Acquire(T0.AddMinutes(3), roomy)).IsAccepted, Is.True, "the refused acquisition took no place of 'roomy'");
        Assert.That((await Acquire(T0.AddMinutes(4), roomy)).IsAccepted, Is.False);
    }

    [Test]
    public async Task A_release_gives_every_place_back()
    {
        var a = new RateLimit(NewKey(), 1, Hour, "a");
        var b = new RateLimit(NewKey(), 1, Hour, "b");
        var accepted = await Acquire(T0, a, b);

        await Limiter.ReleaseAsync(accepted.Reservation!, None);
        await Limiter.ReleaseAsync(accepted.Reservation!, None);

        Assert.That((await Acquire(T0.AddSeconds(1), a, b)).IsAccepted, Is.True);
        Assert.That((await Acquire(T0.AddSeconds(2), a)).IsAccepted, Is.False);
    }

    [Test]
    public async Task Keys_are_counted_apart()
    {
        var a = new RateLimit(NewKey(), 1, Hour, "a");
        var b = a with { Key = NewKey() };

        Assert.That((await Acquire(T0, a)).IsAccepted, Is.True);
        Assert.That((await Acquire(T0, b)).IsAccepted, Is.True);
        Assert.That((await Acquire(T0, a)).IsAccepted, Is.False);
    }

    [Test]
    public async Task A_hot_budget_is_exact_however_it_is_spread()
    {
        // 150 places: three shards where the adapter shards (64 each at most), and the sum is the limit.
        var budget = new RateLimit(NewKey(), 150, Hour, "budget", Hot: true);
        var accepted = 0;
        for (var i = 0; i < 150; i++)
        {
            accepted += (await Acquire(T0.AddSeconds(i), budget)).IsAccepted ? 1 : 0;
        }

        var refused = await Acquire(T0.AddMinutes(30), budget);

        Assert.That(accepted, Is.EqualTo(150), "no refusal while the budget has room");
        Assert.That(refused.RefusedBy, Is.EqualTo(budget));
        Assert.That(refused.RetryAfter, Is.GreaterThan(TimeSpan.FromMinutes(29)).And.LessThanOrEqualTo(TimeSpan.FromMinutes(30)),
            "room comes when the first acquisitions leave the window");
        Assert.That((await Acquire(T0.AddHours(1).AddSeconds(2), budget)).IsAccepted, Is.True);
    }

    [Test]
    public async Task Sixty_four_concurrent_acquisitions_of_twenty_places_accept_exactly_twenty()
    {
        var limit = new RateLimit(NewKey(), 20, Hour, "address");

        var decisions = await Task.WhenAll(Enumerable.Range(0, 64).Select(_ => Task.Run(async () => await Acquire(T0, limit))));

        Assert.That(decisions.Count(d => d.IsAccepted), Is.EqualTo(20));
        Assert.That((await Acquire(T0.AddSeconds(1), limit)).IsAccepted, Is.False);
    }

    [Test]
    public async Task Sixty_four_concurrent_acquisitions_of_a_hot_budget_of_forty_accept_exactly_forty()
    {
        var budget = new RateLimit(NewKey(), 40, Hour, "budget", Hot: true);

        var decisions = await Task.WhenAll(Enumerable.Range(0, 64).Select(_ => Task.Run(async () => await Acquire(T0, budget))));

        Assert.That(decisions.Count(d => d.IsAccepted), Is.EqualTo(40));
    }
}
