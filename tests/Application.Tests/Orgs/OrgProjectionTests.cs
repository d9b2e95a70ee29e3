using CleanCqrs.Application.Common.Metrics;
using CleanCqrs.Application.Common.EventSourcing;
using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Application.Common.Projections;
using CleanCqrs.Application.Orgs.Projections;
using CleanCqrs.Domain.Common;
using CleanCqrs.Domain.Orgs;
using CleanCqrs.Domain.Otps;
using Microsoft.Extensions.Logging.Abstractions;
using NSubstitute;
using static CleanCqrs.Application.Tests.Support.EventStoreSubstitute;
using static CleanCqrs.Application.Tests.Support.Moments;

namespace CleanCqrs.Application.Tests.Orgs;

public sealed class OrgProjectionTests
{
    private const string OrgId = "org-id-1";
    private const string StreamId = "org-" + OrgId;

    private IReadModelStore<OrgReadModel> _models = null!;
    private IEventStore _store = null!;
    private OrgProjection _projection = null!;

    [SetUp]
    public void SetUp()
    {
        _models = Substitute.For<IReadModelStore<OrgReadModel>>();
        _store = Substitute.For<IEventStore>();
        _models.TryPutAsync(Arg.Any<OrgReadModel>(), Arg.Any<long>(), Arg.Any<CancellationToken>()).Returns(true);
        _projection = new OrgProjection(_models, _store, NullLogger<OrgProjection>.Instance, NullMetrics.Instance, TimeProvider.System);
    }

    /// <summary>Version <paramref name="version"/> of the org stream: created first, then updated with name "v{version}".</summary>
    private static StoredEvent Event(long version) => Stored(
        StreamId,
        version,
        version == 1
            ? new OrgCreated(OrgId, "v1", "Jakarta", "First", T0)
            : new OrgUpdated(OrgId, $"v{version}", "Jakarta", null, T0.AddMinutes(version)),
        T0.AddMinutes(version));

    private static OrgReadModel Model(long version) => version == 1
        ? new OrgReadModel(OrgId, "v1", "Jakarta", "First", 1, T0.AddMinutes(1))
        : new OrgReadModel(OrgId, $"v{version}", "Jakarta", null, version, T0.AddMinutes(version));

    private void ModelIsAt(long version) => _models.GetAsync(OrgId, Arg.Any<CancellationToken>()).Returns(Model(version));

    private void NoModelYet() => _models.GetAsync(OrgId, Arg.Any<CancellationToken>()).Returns((OrgReadModel?)null);

    private void StreamHolds(long afterVersion, params long[] versions) =>
        _store.ReadStreamAsync(StreamId, afterVersion, Arg.Any<CancellationToken>())
            .Returns(versions.Select(Event).ToAsyncEnumerable());

    private ValueTask Receive(StoredEvent @event) => _projection.Handle(new EventReceived(@event), CancellationToken.None);

    [Test]
    public async Task Projects_the_first_event_into_a_new_model()
    {
        NoModelYet();

        await Receive(Event(1));

        await _models.Received(1).TryPutAsync(Model(1), 0, Arg.Any<CancellationToken>());
    }

    [Test]
    public async Task Applies_the_next_version_on_top_of_the_model_with_the_event_time_as_updated_at()
    {
        ModelIsAt(3);

        await Receive(Event(4));

        await _models.Received(1).TryPutAsync(
            new OrgReadModel(OrgId, "v4", "Jakarta", null, 4, T0.AddMinutes(4)), 3, Arg.Any<CancellationToken>());
        _store.DidNotReceiveWithAnyArgs().ReadStreamAsync(default!, default, default);
    }

    [Test]
    public async Task Marks_the_model_closed_keeping_its_last_profile()
    {
        ModelIsAt(3);

        await Receive(Stored(StreamId, 4, new OrgClosed(OrgId, T0.AddMinutes(4)), T0.AddMinutes(4)));

        await _models.Received(1).TryPutAsync(
            new OrgReadModel(OrgId, "v3", "Jakarta", null, 4, T0.AddMinutes(4), Closed: true), 3, Arg.Any<CancellationToken>());
    }

    [TestCase(3)]
    [TestCase(2)]
    [TestCase(1)]
    public async Task Skips_an_event_at_or_below_the_model_version(long version)
    {
        ModelIsAt(3);

        await Receive(Event(version));

        await _models.DidNotReceiveWithAnyArgs().TryPutAsync(default!, default, default);
    }

    [Test]
    public async Task Catches_up_from_the_event_store_when_an_event_skips_ahead()
    {
        ModelIsAt(1);
        StreamHolds(afterVersion: 1, 2, 3, 4, 5);

        await Receive(Event(4));

        _store.Received(1).ReadStreamAsync(StreamId, 1, Arg.Any<CancellationToken>());
        await _models.Received(1).TryPutAsync(Model(4), 1, Arg.Any<CancellationToken>());
    }

    [Test]
    public async Task Catches_up_from_the_start_when_no_model_exists_yet()
    {
        NoModelYet();
        StreamHolds(afterVersion: 0, 1, 2, 3);

        await Receive(Event(3));

        await _models.Received(1).TryPutAsync(Model(3), 0, Arg.Any<CancellationToken>());
    }

    [Test]
    public async Task Reads_again_and_retries_when_another_consumer_moved_the_model()
    {
        _models.GetAsync(OrgId, Arg.Any<CancellationToken>()).Returns(Model(2), Model(3));
        _models.TryPutAsync(Arg.Any<OrgReadModel>(), Arg.Any<long>(), Arg.Any<CancellationToken>()).Returns(false, true);
        StreamHolds(afterVersion: 2, 3, 4);

        await Receive(Event(4));

        await _models.Received(1).TryPutAsync(Model(4), 2, Arg.Any<CancellationToken>());
        await _models.Received(1).TryPutAsync(Model(4), 3, Arg.Any<CancellationToken>());
        _store.Received(1).ReadStreamAsync(StreamId, 2, Arg.Any<CancellationToken>());
    }

    [Test]
    public async Task Stops_retrying_once_the_model_has_the_event()
    {
        _models.GetAsync(OrgId, Arg.Any<CancellationToken>()).Returns(Model(3), Model(4));
        _models.TryPutAsync(Arg.Any<OrgReadModel>(), Arg.Any<long>(), Arg.Any<CancellationToken>()).Returns(false);

        await Receive(Event(4));

        await _models.Received(1).TryPutAsync(Arg.Any<OrgReadModel>(), Arg.Any<long>(), Arg.Any<CancellationToken>());
    }

    [TestCase("otp-org-id-1")]
    [TestCase("orgs-org-id-1")]
    [TestCase("org")]
    public async Task Ignores_streams_of_other_categories(string streamId)
    {
        var @event = Stored(streamId, 1, new OtpVerified("a", "b", T0), T0);

        await _projection.Handle(new EventReceived(@event), CancellationToken.None);

        await _models.DidNotReceiveWithAnyArgs().GetAsync(default!, default);
    }

    [Test]
    public async Task Rebuild_clears_the_models_then_projects_every_org_stream_from_its_start()
    {
        _store.ListStreamsAsync(Arg.Any<CancellationToken>())
            .Returns(new[] { StreamId, "otp-someone", "org-other" }.ToAsyncEnumerable());
        StreamHolds(afterVersion: 0, 1, 2);
        _store.ReadStreamAsync("org-other", 0, Arg.Any<CancellationToken>())
            .Returns(new[] { Stored("org-other", 1, new OrgCreated("other", "Other", "Hanoi", null, T0), T0) }.ToAsyncEnumerable());
        var handler = new RebuildProjectionsHandler(_store, [_projection]);

        var progress = await handler.Handle(new RebuildProjections(), CancellationToken.None);

        Assert.That(progress, Is.EqualTo(new RebuildProgress(StreamsScanned: 3, StreamsProjected: 2)));
        var calls = _models.ReceivedCalls().Select(c => c.GetMethodInfo().Name).ToList();
        Assert.That(calls[0], Is.EqualTo(nameof(IReadModelStore<OrgReadModel>.ClearAsync)), "cleared before anything was written");
        Assert.That(calls.Count(name => name == nameof(IReadModelStore<OrgReadModel>.ClearAsync)), Is.EqualTo(1));
        await _models.Received(1).TryPutAsync(Model(2), 0, Arg.Any<CancellationToken>());
        await _models.Received(1).TryPutAsync(new OrgReadModel("other", "Other", "Hanoi", null, 1, T0), 0, Arg.Any<CancellationToken>());
        _store.DidNotReceive().ReadStreamAsync("otp-someone", Arg.Any<long>(), Arg.Any<CancellationToken>());
    }
}
