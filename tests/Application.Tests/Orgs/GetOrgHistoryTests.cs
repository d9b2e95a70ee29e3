using CleanCqrs.Application.Common;
using CleanCqrs.Application.Common.EventSourcing;
using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Application.Orgs.Queries.GetOrgHistory;
using CleanCqrs.Domain.Common;
using CleanCqrs.Domain.Orgs;
using CleanCqrs.TestSupport;
using static CleanCqrs.Application.Tests.Support.Moments;

namespace CleanCqrs.Application.Tests.Orgs;

/// <summary>An org's history read from the event store, paged, for the org itself only.</summary>
public sealed class GetOrgHistoryTests
{
    private const string OrgId = "org-1";
    private static readonly TokenClaims Owner = new(OrgId, "org", "ID");

    private InMemoryEventStore _store = null!;

    [SetUp]
    public async Task SetUp()
    {
        _store = new InMemoryEventStore();
        var state = OrgState.Initial;
        var events = new IDomainEvent[]
        {
            new OrgCreated(OrgId, "v1", "Jakarta", null, T0),
            new OrgUpdated(OrgId, "v2", "Jakarta", null, T0.AddMinutes(1)),
            new OrgUpdated(OrgId, "v3", "Jakarta", null, T0.AddMinutes(2)),
            new OrgClosed(OrgId, T0.AddMinutes(3)),
        };
        for (var i = 0; i < events.Length; i++)
        {
            var stored = new StoredEvent(Guid.NewGuid(), "org-" + OrgId, i + 1, events[i], T0.AddMinutes(i), EventMetadata.Empty);
            state = state.Apply(events[i]);
            Assert.That(await _store.TryAppendAsync(new Commit(stored.StreamId, i, [stored], state, stored.OccurredAt), CancellationToken.None), Is.True);
        }
    }

    private ValueTask<Result<OrgHistory>> Read(string id = OrgId, string? after = null, string? limit = null) =>
        Support.Validated.Send(
            new GetOrgHistory(Owner, id, after is null ? null : [after], limit is null ? null : [limit]),
            new GetOrgHistoryHandler(_store).Handle);

    [Test]
    public async Task Reads_the_whole_history_of_a_closed_org_oldest_first()
    {
        var history = (await Read()).Value;

        Assert.That(history.Events.Select(e => e.Version), Is.EqualTo(new long[] { 1, 2, 3, 4 }));
        Assert.That(history.Events[^1].Data, Is.InstanceOf<OrgClosed>());
        Assert.That(history.Next, Is.Null);
    }

    [Test]
    public async Task Pages_with_after_and_limit_and_says_where_the_next_page_starts()
    {
        var first = (await Read(limit: "3")).Value;
        var second = (await Read(after: first.Next!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), limit: "3")).Value;

        Assert.That(first.Events.Select(e => e.Version), Is.EqualTo(new long[] { 1, 2, 3 }));
        Assert.That(first.Next, Is.EqualTo(3));
        Assert.That(second.Events.Select(e => e.Version), Is.EqualTo(new long[] { 4 }));
        Assert.That(second.Next, Is.Null);
    }

    [Test]
    public async Task A_page_past_the_end_is_empty_and_an_unknown_org_is_404()
    {
        var past = (await Read(after: "9")).Value;

        Assert.That(past.Events, Is.Empty);
        Assert.That(past.Next, Is.Null);
        Assert.That((await Read("nobody")).Error, Is.InstanceOf<NotFoundError>());
    }

    [TestCase("-1", null, "after")]
    [TestCase("x", null, "after")]
    [TestCase(null, "0", "limit")]
    [TestCase(null, "201", "limit")]
    [TestCase(null, "1.5", "limit")]
    public async Task Refuses_a_bad_after_or_limit(string? after, string? limit, string field)
    {
        var error = (await Read(after: after, limit: limit)).Error;

        Assert.That(((ValidationError)error!).Errors.Keys, Is.EquivalentTo(new[] { field }));
    }

    [Test]
    public void Only_the_org_itself_may_read_its_history()
    {
        Assert.That(new GetOrgHistory(null, OrgId).Authorize(), Is.InstanceOf<UnauthorizedError>());
        Assert.That(new GetOrgHistory(new TokenClaims(OrgId, "worker", "ID"), OrgId).Authorize(), Is.InstanceOf<ForbiddenError>());
        Assert.That(new GetOrgHistory(new TokenClaims("org-2", "org", "ID"), OrgId).Authorize(), Is.InstanceOf<ForbiddenError>());
        Assert.That(new GetOrgHistory(Owner, OrgId).Authorize(), Is.Null);
    }
}
