using CleanCqrs.Application.Common.Ports;

namespace CleanCqrs.Infrastructure.Tests.Contracts;

/// <summary>What every <see cref="IEffectClaims"/> must do (SPEC 5.2), run against each adapter.</summary>
public abstract class EffectClaimsContract
{
    protected static readonly DateTimeOffset T0 = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly CancellationToken None = CancellationToken.None;

    protected IEffectClaims Claims { get; private set; } = null!;

    protected abstract ValueTask<IEffectClaims> CreateAsync();

    protected virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;

    [SetUp]
    public async Task Create() => Claims = await CreateAsync();

    [TearDown]
    public async Task Dispose() => await DisposeAsync();

    private static string NewId() => Guid.NewGuid().ToString("N");

    [Test]
    public async Task An_event_is_claimed_once()
    {
        var id = NewId();

        Assert.That(await Claims.TryClaimAsync("otp-delivery", id, T0, T0.AddDays(1), None), Is.True);
        Assert.That(await Claims.TryClaimAsync("otp-delivery", id, T0.AddMinutes(1), T0.AddDays(1), None), Is.False);
        Assert.That(await Claims.TryClaimAsync("other-effect", id, T0, T0.AddDays(1), None), Is.True, "effects are claimed apart");
    }

    [Test]
    public async Task A_released_claim_can_be_claimed_again()
    {
        var id = NewId();
        await Claims.TryClaimAsync("otp-delivery", id, T0, T0.AddDays(1), None);

        await Claims.ReleaseAsync("otp-delivery", id, None);

        Assert.That(await Claims.TryClaimAsync("otp-delivery", id, T0.AddMinutes(1), T0.AddDays(1), None), Is.True);
    }

    [Test]
    public async Task A_claim_is_kept_until_its_time_and_no_longer()
    {
        var id = NewId();
        await Claims.TryClaimAsync("otp-delivery", id, T0, T0.AddDays(1), None);

        Assert.That(await Claims.TryClaimAsync("otp-delivery", id, T0.AddDays(1).AddTicks(-1), T0.AddDays(2), None), Is.False);
        Assert.That(await Claims.TryClaimAsync("otp-delivery", id, T0.AddDays(1), T0.AddDays(2), None), Is.True);
    }

    [Test]
    public async Task Of_sixty_four_concurrent_claims_exactly_one_wins()
    {
        var id = NewId();

        var won = await Task.WhenAll(Enumerable.Range(0, 64).Select(_ => Task.Run(async () => await Claims.TryClaimAsync("otp-delivery", id, T0, T0.AddDays(1), None))));

        Assert.That(won.Count(w => w), Is.EqualTo(1));
    }
}
