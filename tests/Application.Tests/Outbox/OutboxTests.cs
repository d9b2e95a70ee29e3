using CleanCqrs.Application.Common.Metrics;
using CleanCqrs.Application.Common.EventSourcing;
using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Application.Outbox;
using CleanCqrs.Domain.Orgs;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using static CleanCqrs.Application.Tests.Support.EventStoreSubstitute;
using static CleanCqrs.Application.Tests.Support.ValueTaskCalls;
using static CleanCqrs.Application.Tests.Support.Moments;

namespace CleanCqrs.Application.Tests.Outbox;

public sealed class OutboxTests
{
    private IEventStore _store = null!;
    private ICommitPublisher _publisher = null!;
    private OutboxRelay _relay = null!;

    [SetUp]
    public void SetUp()
    {
        _store = Substitute.For<IEventStore>();
        _publisher = Substitute.For<ICommitPublisher>();
        _relay = new OutboxRelay(_store, _publisher, NullLogger<OutboxRelay>.Instance, NullMetrics.Instance);
    }

    /// <summary>Version <paramref name="version"/> of the stream, committed at <see cref="Moments.T0"/> plus <paramref name="secondsAfterT0"/>.</summary>
    private static Commit Commit(string streamId, long version, int secondsAfterT0)
    {
        var at = T0.AddSeconds(secondsAfterT0);
        var data = new OrgUpdated(streamId, $"v{version}", "Jakarta", null, at);
        return new Commit(streamId, version - 1, [Stored(streamId, version, data, at)], OrgState.Initial, at);
    }

    private void PublishingFails(Commit commit) =>
        Fails(() => _publisher.PublishAsync(commit, Arg.Any<CancellationToken>()), new InvalidOperationException("broker down"));

    [Test]
    public async Task Publishes_the_commit_then_marks_it_published()
    {
        var commit = Commit("org-a", 3, 0);
        var publishedWhenMarked = new List<int>();
        Does(() => _store.MarkPublishedAsync("org-a", 3, Arg.Any<CancellationToken>()),
            _ => publishedWhenMarked.Add(_publisher.ReceivedCalls().Count()));

        var relayed = await _relay.TryRelayAsync(commit, CancellationToken.None);

        Assert.That(relayed, Is.True);
        await _publisher.Received(1).PublishAsync(commit, Arg.Any<CancellationToken>());
        Assert.That(publishedWhenMarked, Is.EqualTo(new[] { 1 }), "marked once, after the publish");
    }

    [Test]
    public async Task A_failed_publish_leaves_the_commit_pending()
    {
        var commit = Commit("org-a", 3, 0);
        PublishingFails(commit);

        var relayed = await _relay.TryRelayAsync(commit, CancellationToken.None);

        Assert.That(relayed, Is.False);
        await _store.DidNotReceiveWithAnyArgs().MarkPublishedAsync(default!, default, default);
    }

    [Test]
    public async Task A_failed_mark_still_counts_as_relayed_because_the_events_went_out()
    {
        var commit = Commit("org-a", 3, 0);
        Fails(() => _store.MarkPublishedAsync("org-a", 3, Arg.Any<CancellationToken>()), new InvalidOperationException("store down"));

        Assert.That(await _relay.TryRelayAsync(commit, CancellationToken.None), Is.True);
    }

    [Test]
    public void Cancellation_is_not_swallowed()
    {
        var commit = Commit("org-a", 3, 0);
        Fails(() => _publisher.PublishAsync(commit, Arg.Any<CancellationToken>()), new OperationCanceledException());

        Assert.That(async () => await _relay.TryRelayAsync(commit, CancellationToken.None), Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public async Task Events_committed_is_relayed()
    {
        var commit = Commit("org-a", 1, 0);

        await new PublishOnEventsCommitted(_relay).Handle(new EventsCommitted(commit), CancellationToken.None);

        await _publisher.Received(1).PublishAsync(commit, Arg.Any<CancellationToken>());
        await _store.Received(1).MarkPublishedAsync("org-a", 1, Arg.Any<CancellationToken>());
    }

    [Test]
    public async Task The_sweeper_publishes_the_stream_with_the_oldest_pending_commit_first_each_in_version_order()
    {
        var clock = new FakeTimeProvider(T0.AddMinutes(10));
        var a1 = Commit("org-a", 1, 0);
        var b1 = Commit("org-b", 1, 1);
        var a2 = Commit("org-a", 2, 2);
        _store.ReadPendingAsync(T0.AddMinutes(9), 50, Arg.Any<CancellationToken>()).Returns(new[] { a2, b1, a1 });
        var order = new List<Commit>();
        Does(() => _publisher.PublishAsync(Arg.Any<Commit>(), Arg.Any<CancellationToken>()), call => order.Add(call.Arg<Commit>()));

        var result = await new SweepOutboxHandler(_store, _relay, clock, NullMetrics.Instance)
            .Handle(new SweepOutbox(TimeSpan.FromMinutes(1), MaxCommits: 50), CancellationToken.None);

        Assert.That(result, Is.EqualTo(new SweepResult(Published: 3, Failed: 0)));
        Assert.That(order, Is.EqualTo(new[] { a1, a2, b1 }));
        await _store.Received(1).MarkPublishedAsync("org-a", 2, Arg.Any<CancellationToken>());
    }

    [Test]
    public async Task The_sweeper_orders_a_stream_by_version_even_when_clocks_disagree()
    {
        var clock = new FakeTimeProvider(T0.AddMinutes(10));
        var a1 = Commit("org-a", 1, 5);
        var a2 = Commit("org-a", 2, 0);
        _store.ReadPendingAsync(T0.AddMinutes(9), 50, Arg.Any<CancellationToken>()).Returns(new[] { a2, a1 });
        var order = new List<Commit>();
        Does(() => _publisher.PublishAsync(Arg.Any<Commit>(), Arg.Any<CancellationToken>()), call => order.Add(call.Arg<Commit>()));

        await new SweepOutboxHandler(_store, _relay, clock, NullMetrics.Instance)
            .Handle(new SweepOutbox(TimeSpan.FromMinutes(1), MaxCommits: 50), CancellationToken.None);

        Assert.That(order, Is.EqualTo(new[] { a1, a2 }));
    }

    [Test]
    public async Task The_sweeper_skips_later_commits_of_a_stream_whose_earlier_commit_failed()
    {
        var a1 = Commit("org-a", 1, 0);
        var b1 = Commit("org-b", 1, 1);
        var a2 = Commit("org-a", 2, 2);
        var a3 = Commit("org-a", 3, 3);
        _store.ReadPendingAsync(Arg.Any<DateTimeOffset>(), Arg.Any<int>(), Arg.Any<CancellationToken>()).Returns(new[] { a1, b1, a2, a3 });
        PublishingFails(a1);

        var result = await new SweepOutboxHandler(_store, _relay, new FakeTimeProvider(T0.AddMinutes(10)), NullMetrics.Instance)
            .Handle(new SweepOutbox(TimeSpan.FromSeconds(30)), CancellationToken.None);

        Assert.That(result, Is.EqualTo(new SweepResult(Published: 1, Failed: 3)));
        await _publisher.DidNotReceive().PublishAsync(a2, Arg.Any<CancellationToken>());
        await _publisher.DidNotReceive().PublishAsync(a3, Arg.Any<CancellationToken>());
        await _store.Received(1).MarkPublishedAsync("org-b", 1, Arg.Any<CancellationToken>());
        await _store.DidNotReceive().MarkPublishedAsync("org-a", Arg.Any<long>(), Arg.Any<CancellationToken>());
    }
}
