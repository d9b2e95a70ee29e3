using CleanCqrs.Application.Common.Metrics;
using CleanCqrs.Application.Common;
using CleanCqrs.Application.Common.EventSourcing;
using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Application.Orgs.Commands;
using CleanCqrs.Application.Orgs.Commands.CloseOrg;
using CleanCqrs.Application.Orgs.Commands.CreateOrg;
using CleanCqrs.Application.Orgs.Commands.UpdateOrg;
using CleanCqrs.Application.Outbox;
using CleanCqrs.Application.Tests.Support;
using CleanCqrs.Domain.Common;
using CleanCqrs.Domain.Orgs;
using Mediator;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using static CleanCqrs.Application.Tests.Support.Moments;

namespace CleanCqrs.Application.Tests.Orgs;

/// <summary>Create and update through the command runner: load, decide, append at the loaded version, publish.</summary>
public sealed class OrgCommandHandlerTests
{
    private const string OrgId = "5d1f0e0c-3b7a-5c2e-9a41-0f6b2c8d7e10";
    private const string StreamId = "org-" + OrgId;

    private static readonly TokenClaims Owner = new(OrgId, "org", "ID");

    private IEventStore _store = null!;
    private IPublisher _publisher = null!;
    private FakeTimeProvider _clock = null!;
    private List<Commit> _appends = null!;

    [SetUp]
    public void SetUp()
    {
        _store = Substitute.For<IEventStore>();
        _publisher = Substitute.For<IPublisher>();
        _clock = new FakeTimeProvider(T0);
        _appends = _store.RecordAppends();
    }

    private CommandRunner Runner => new(_store, _publisher, _clock, NullLogger<CommandRunner>.Instance, NullMetrics.Instance);

    private ValueTask<Result<OrgWritten>> Create(string? name = "Acme", string? location = "Jakarta", string? description = null) =>
        Validated.Send(new CreateOrg(Owner, name, location, description), new CreateOrgHandler(Runner, _clock).Handle);

    private ValueTask<Result<OrgWritten>> Update(ExpectedVersion ifMatch, string? description = null) =>
        Validated.Send(new UpdateOrg(Owner, OrgId, "Acme Group", "Manila", description, ifMatch), new UpdateOrgHandler(Runner, _clock).Handle);

    private ValueTask<Result<OrgWritten>> Close(ExpectedVersion ifMatch) =>
        new CloseOrgHandler(Runner, _clock).Handle(new CloseOrg(Owner, OrgId, ifMatch), CancellationToken.None);

    private static OrgCreated Created(DateTimeOffset at) => new(OrgId, "Acme", "Jakarta", "Old", at);

    private static OrgUpdated Updated(string name, DateTimeOffset at) => new(OrgId, name, "Jakarta", null, at);

    private async Task PublishedNothing() =>
        await _publisher.DidNotReceive().Publish(Arg.Any<EventsCommitted>(), Arg.Any<CancellationToken>());

    [Test]
    public async Task Creates_the_org_of_the_caller_as_version_1_of_its_stream()
    {
        _store.HasStream<OrgState>(StreamId);

        var result = await Create("  Acme ", "Jakarta", "Makes things");

        Assert.That(result.Value, Is.EqualTo(new OrgWritten(OrgId, 1)));
        var commit = _appends.Single();
        Assert.That((commit.StreamId, commit.ExpectedVersion, commit.Version), Is.EqualTo((StreamId, 0L, 1L)));
        var stored = commit.Events.Single();
        Assert.That(stored.Data, Is.EqualTo(new OrgCreated(OrgId, "Acme", "Jakarta", "Makes things", T0)));
        Assert.That((stored.StreamId, stored.Version, stored.OccurredAt), Is.EqualTo((StreamId, 1L, T0)));
        Assert.That(stored.EventId.Version, Is.EqualTo(7));
        Assert.That(commit.Snapshot, Is.EqualTo(new OrgState(true, "Acme", "Jakarta", "Makes things")));
        Assert.That(commit.CommittedAt, Is.EqualTo(T0));
    }

    [Test]
    public async Task Rejects_a_second_create_with_a_conflict_and_stores_nothing()
    {
        _store.HasStream<OrgState>(StreamId, Created(T0));

        var result = await Create();

        Assert.That(result.Error, Is.InstanceOf<ConflictError>());
        Assert.That(_appends, Is.Empty);
        await PublishedNothing();
    }

    [Test]
    public async Task Rejects_invalid_fields_before_loading_the_stream()
    {
        var result = await Create(name: null, location: new string('x', 151));

        Assert.That(((ValidationError)result.Error!).Errors.Keys, Is.EquivalentTo(new[] { "name", "location" }));
        await _store.DidNotReceiveWithAnyArgs().LoadAsync<OrgState>(default!, default);
    }

    [Test]
    public async Task Appends_the_update_at_the_loaded_version_with_the_folded_state_as_snapshot()
    {
        _store.HasStream<OrgState>(StreamId, Created(T0.AddDays(-2)), Updated("Acme 2", T0.AddDays(-1)));

        var result = await Update(ExpectedVersion.Any, description: "New");

        Assert.That(result.Value, Is.EqualTo(new OrgWritten(OrgId, 3)));
        var commit = _appends.Single();
        Assert.That(commit.ExpectedVersion, Is.EqualTo(2));
        Assert.That(commit.Events.Single().Version, Is.EqualTo(3));
        Assert.That(commit.Events.Single().Data, Is.EqualTo(new OrgUpdated(OrgId, "Acme Group", "Manila", "New", T0)));
        Assert.That(commit.Snapshot, Is.EqualTo(new OrgState(true, "Acme Group", "Manila", "New")));
    }

    [Test]
    public async Task An_update_without_a_description_clears_it()
    {
        _store.HasStream<OrgState>(StreamId, Created(T0.AddDays(-1)));

        await Update(ExpectedVersion.Any, description: null);

        Assert.That(_appends.Single().Snapshot, Is.EqualTo(new OrgState(true, "Acme Group", "Manila", null)));
    }

    [Test]
    public async Task Rejects_update_of_unknown_org()
    {
        _store.HasStream<OrgState>(StreamId);

        var result = await Update(ExpectedVersion.Any);

        Assert.That(result.Error, Is.InstanceOf<NotFoundError>());
        Assert.That(_appends, Is.Empty);
        await PublishedNothing();
    }

    [Test]
    public async Task Retries_an_update_without_if_match_on_the_reloaded_state_after_losing_a_race()
    {
        _appends = _store.RecordAppends(false, true);
        _store.LoadAsync<OrgState>(StreamId, Arg.Any<CancellationToken>()).Returns(
            EventStoreSubstitute.Loaded<OrgState>(Created(T0.AddDays(-1))),
            EventStoreSubstitute.Loaded<OrgState>(Created(T0.AddDays(-1)), Updated("Racer", T0)));

        var result = await Update(ExpectedVersion.Any);

        Assert.That(result.Value, Is.EqualTo(new OrgWritten(OrgId, 3)));
        Assert.That(_appends.Select(c => c.ExpectedVersion), Is.EqualTo(new[] { 1L, 2L }));
        Assert.That(_appends[1].Events.Single().Version, Is.EqualTo(3));
        Assert.That(_appends[1].Snapshot, Is.EqualTo(new OrgState(true, "Acme Group", "Manila", null)));
        await _publisher.Received(1).Publish(Arg.Is<EventsCommitted>(e => e.Commit == _appends[1]), Arg.Any<CancellationToken>());
    }

    [Test]
    public async Task Answers_412_when_if_match_names_another_version()
    {
        _store.HasStream<OrgState>(StreamId, Created(T0.AddDays(-1)), Updated("Acme 2", T0));

        var result = await Update(ExpectedVersion.Is(1));

        Assert.That(result.Error, Is.InstanceOf<PreconditionFailedError>());
        Assert.That(_appends, Is.Empty);
        await PublishedNothing();
    }

    [Test]
    public async Task Answers_412_when_an_if_match_update_loses_the_race()
    {
        _appends = _store.RecordAppends(false);
        _store.HasStream<OrgState>(StreamId, Created(T0.AddDays(-1)));

        var result = await Update(ExpectedVersion.Is(1));

        Assert.That(result.Error, Is.InstanceOf<PreconditionFailedError>());
        Assert.That(_appends, Has.Count.EqualTo(1), "no retry when the caller pinned the version");
        await PublishedNothing();
    }

    [Test]
    public async Task Applies_an_if_match_update_at_the_matching_version()
    {
        _store.HasStream<OrgState>(StreamId, Created(T0.AddDays(-1)));

        var result = await Update(ExpectedVersion.Is(1));

        Assert.That(result.Value, Is.EqualTo(new OrgWritten(OrgId, 2)));
        Assert.That(_appends.Single().ExpectedVersion, Is.EqualTo(1));
    }

    [Test]
    public async Task Answers_412_for_an_unknown_org_with_if_match_and_404_without()
    {
        _store.HasStream<OrgState>(StreamId);

        Assert.That((await Update(ExpectedVersion.Is(3))).Error, Is.InstanceOf<PreconditionFailedError>());
        Assert.That((await Update(ExpectedVersion.Existing)).Error, Is.InstanceOf<PreconditionFailedError>());
        Assert.That((await Update(ExpectedVersion.Any)).Error, Is.InstanceOf<NotFoundError>());
        Assert.That(_appends, Is.Empty);
    }

    [Test]
    public async Task Decides_if_match_with_several_versions_on_one_load()
    {
        _store.HasStream<OrgState>(StreamId, Created(T0.AddDays(-2)), Updated("Acme 2", T0.AddDays(-1)));

        var stale = await Update(ExpectedVersion.OneOf([1, 3, 4]));
        var current = await Update(ExpectedVersion.OneOf([1, 2, 3]));

        Assert.That(stale.Error, Is.InstanceOf<PreconditionFailedError>());
        Assert.That(current.Value.Version, Is.EqualTo(3));
        await _store.ReceivedWithAnyArgs(2).LoadAsync<OrgState>(default!, default);
    }

    [Test]
    public async Task Closes_the_org_as_the_next_version_of_its_stream()
    {
        _store.HasStream<OrgState>(StreamId, Created(T0.AddDays(-1)));

        var result = await Close(ExpectedVersion.Is(1));

        Assert.That(result.Value, Is.EqualTo(new OrgWritten(OrgId, 2)));
        var commit = _appends.Single();
        Assert.That(commit.Events.Select(e => e.Data), Is.EqualTo(new[] { new OrgClosed(OrgId, T0) }));
        Assert.That(((OrgState)commit.Snapshot).Closed, Is.True);
    }

    [Test]
    public async Task Refuses_to_close_an_unknown_or_closed_org_or_on_a_stale_if_match()
    {
        _store.HasStream<OrgState>(StreamId);
        Assert.That((await Close(ExpectedVersion.Any)).Error, Is.InstanceOf<NotFoundError>());

        _store.HasStream<OrgState>(StreamId, Created(T0.AddDays(-1)), new OrgClosed(OrgId, T0.AddHours(-1)));
        Assert.That((await Close(ExpectedVersion.Any)).Error, Is.InstanceOf<ConflictError>());
        Assert.That((await Update(ExpectedVersion.Any)).Error, Is.InstanceOf<ConflictError>());

        _store.HasStream<OrgState>(StreamId, Created(T0.AddDays(-1)), Updated("Acme 2", T0.AddHours(-1)));
        Assert.That((await Close(ExpectedVersion.Is(1))).Error, Is.InstanceOf<PreconditionFailedError>());
        Assert.That(_appends, Is.Empty);
    }

    [Test]
    public void Refuses_to_expect_more_than_sixteen_versions() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ExpectedVersion.OneOf(Enumerable.Range(1, 17).Select(v => (long)v)));

    [Test]
    public async Task Publishes_events_committed_only_after_the_append()
    {
        _store.HasStream<OrgState>(StreamId);
        var appendsWhenPublished = new List<int>();
        ValueTaskCalls.Does(
            () => _publisher.Publish(Arg.Any<EventsCommitted>(), Arg.Any<CancellationToken>()),
            _ => appendsWhenPublished.Add(_appends.Count));

        await Create();

        Assert.That(appendsWhenPublished, Is.EqualTo(new[] { 1 }));
        await _publisher.Received(1).Publish(Arg.Is<EventsCommitted>(e => e.Commit == _appends.Single()), Arg.Any<CancellationToken>());
    }

    [Test]
    public async Task Carries_the_request_correlation_id_into_the_event_metadata()
    {
        _store.HasStream<OrgState>(StreamId);

        using (RequestContext.Begin("corr-1", "cause-1"))
        {
            await Create();
        }

        Assert.That(_appends.Single().Events.Single().Metadata, Is.EqualTo(new EventMetadata("corr-1", "cause-1")));
    }

    [Test]
    public async Task An_accepted_decision_without_events_stores_and_publishes_nothing()
    {
        _store.HasStream<OrgState>(StreamId, Created(T0));

        var result = await Runner.RunAsync<OrgState>(
            StreamId, ExpectedVersion.Is(1), (_, _) => ValueTask.FromResult(Decision.Accept()), CancellationToken.None);

        Assert.That(result.Value.Version, Is.EqualTo(1));
        Assert.That(result.Value.Events, Is.Empty);
        Assert.That(_appends, Is.Empty);
        await PublishedNothing();
    }
}
