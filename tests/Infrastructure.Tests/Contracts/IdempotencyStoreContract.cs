using CleanCqrs.Application.Common.Ports;

namespace CleanCqrs.Infrastructure.Tests.Contracts;

/// <summary>What every <see cref="IIdempotencyStore"/> must do (SPEC 5.2, decision 0021), run against each adapter.</summary>
public abstract class IdempotencyStoreContract
{
    protected static readonly DateTimeOffset T0 = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(60);

    protected IIdempotencyStore Store { get; private set; } = null!;

    protected abstract ValueTask<IIdempotencyStore> CreateAsync();

    protected virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;

    [SetUp]
    public async Task Create() => Store = await CreateAsync();

    [TearDown]
    public async Task Dispose() => await DisposeAsync();

    private static string NewKey() => Guid.NewGuid().ToString("N");

    private static readonly IdempotentResponse Created = new(
        201, "application/json", "{\"id\":\"x\",\"version\":1}"u8.ToArray(), "\"1\"", "/orgs/x", null);

    [Test]
    public async Task The_first_claim_wins_and_the_next_sees_it_in_progress()
    {
        var key = NewKey();

        var first = await Store.TryClaimAsync(key, "fp", T0, Lease, None);
        var second = await Store.TryClaimAsync(key, "fp", T0.AddSeconds(1), Lease, None);

        Assert.That(first.IsClaimed, Is.True);
        Assert.That(second.IsClaimed, Is.False);
        Assert.That(second.Existing, Is.EqualTo(new IdempotencyRecord("fp", null, T0 + Lease)));
    }

    [Test]
    public async Task A_completed_claim_hands_back_its_response_whole()
    {
        var key = NewKey();
        var claim = await Store.TryClaimAsync(key, "fp", T0, Lease, None);

        await Store.CompleteAsync(key, claim.ClaimId!, Created, T0.AddHours(24), None);
        var again = await Store.TryClaimAsync(key, "other-fp", T0.AddHours(1), Lease, None);

        Assert.That(again.IsClaimed, Is.False);
        Assert.That(again.Existing!.Fingerprint, Is.EqualTo("fp"));
        var response = again.Existing.Response!;
        Assert.That((response.StatusCode, response.ContentType, response.ETag, response.Location, response.RetryAfter),
            Is.EqualTo((201, "application/json", "\"1\"", "/orgs/x", (string?)null)));
        Assert.That(response.Body, Is.EqualTo(Created.Body));
    }

    [Test]
    public async Task A_response_without_body_or_headers_round_trips()
    {
        var key = NewKey();
        var claim = await Store.TryClaimAsync(key, "fp", T0, Lease, None);
        var tooMany = new IdempotentResponse(429, null, [], null, null, "30");

        await Store.CompleteAsync(key, claim.ClaimId!, tooMany, T0.AddHours(24), None);
        var kept = (await Store.TryClaimAsync(key, "fp", T0, Lease, None)).Existing!.Response!;

        Assert.That((kept.StatusCode, kept.ContentType, kept.Body.Length, kept.RetryAfter), Is.EqualTo((429, (string?)null, 0, "30")));
    }

    [Test]
    public async Task A_released_claim_frees_the_key()
    {
        var key = NewKey();
        var claim = await Store.TryClaimAsync(key, "fp", T0, Lease, None);

        await Store.ReleaseAsync(key, claim.ClaimId!, None);

        Assert.That((await Store.TryClaimAsync(key, "fp", T0.AddSeconds(1), Lease, None)).IsClaimed, Is.True);
    }

    [Test]
    public async Task A_claim_whose_lease_ran_out_can_be_taken_over_and_the_old_claimant_cannot_complete_it()
    {
        var key = NewKey();
        var crashed = await Store.TryClaimAsync(key, "fp", T0, Lease, None);

        var retry = await Store.TryClaimAsync(key, "fp", T0 + Lease, Lease, None);
        await Store.CompleteAsync(key, crashed.ClaimId!, Created with { StatusCode = 299 }, T0.AddHours(24), None);
        await Store.ReleaseAsync(key, crashed.ClaimId!, None);
        await Store.CompleteAsync(key, retry.ClaimId!, Created, T0.AddHours(24), None);

        Assert.That(retry.IsClaimed, Is.True);
        var kept = await Store.TryClaimAsync(key, "fp", T0.AddMinutes(5), Lease, None);
        Assert.That(kept.Existing!.Response!.StatusCode, Is.EqualTo(201));
    }

    [Test]
    public async Task A_completed_record_expires()
    {
        var key = NewKey();
        var claim = await Store.TryClaimAsync(key, "fp", T0, Lease, None);
        await Store.CompleteAsync(key, claim.ClaimId!, Created, T0.AddHours(24), None);

        Assert.That((await Store.TryClaimAsync(key, "fp", T0.AddHours(24).AddTicks(-1), Lease, None)).IsClaimed, Is.False);
        Assert.That((await Store.TryClaimAsync(key, "fp", T0.AddHours(24), Lease, None)).IsClaimed, Is.True);
    }

    [Test]
    public async Task Completing_twice_keeps_the_first_response()
    {
        var key = NewKey();
        var claim = await Store.TryClaimAsync(key, "fp", T0, Lease, None);

        await Store.CompleteAsync(key, claim.ClaimId!, Created, T0.AddHours(24), None);
        await Store.CompleteAsync(key, claim.ClaimId!, Created with { StatusCode = 200 }, T0.AddHours(24), None);

        Assert.That((await Store.TryClaimAsync(key, "fp", T0, Lease, None)).Existing!.Response!.StatusCode, Is.EqualTo(201));
    }

    [Test]
    public async Task Of_sixty_four_concurrent_claims_of_one_key_exactly_one_wins()
    {
        var key = NewKey();

        var claims = await Task.WhenAll(Enumerable.Range(0, 64).Select(_ => Task.Run(async () => await Store.TryClaimAsync(key, "fp", T0, Lease, None))));

        Assert.That(claims.Count(c => c.IsClaimed), Is.EqualTo(1));
        Assert.That(claims.Where(c => !c.IsClaimed).Select(c => c.Existing?.Fingerprint), Is.All.EqualTo("fp"));
    }
}
