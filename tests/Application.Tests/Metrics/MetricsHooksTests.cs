using CleanCqrs.Application.Common;
using CleanCqrs.Application.Common.Behaviours;
using CleanCqrs.Application.Common.EventSourcing;
using CleanCqrs.Application.Common.Metrics;
using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Application.Orgs.Commands;
using CleanCqrs.Application.Orgs.Commands.CreateOrg;
using CleanCqrs.Application.Orgs.Projections;
using CleanCqrs.Application.Orgs.Queries.GetOrg;
using CleanCqrs.Application.Outbox;
using CleanCqrs.Domain.Common;
using CleanCqrs.Domain.Orgs;
using Mediator;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using static CleanCqrs.Application.Tests.Support.EventStoreSubstitute;
using static CleanCqrs.Application.Tests.Support.Moments;
using static CleanCqrs.Application.Tests.Support.ValueTaskCalls;

namespace CleanCqrs.Application.Tests.Metrics;

/// <summary>Where the application records its operational signals, through the <see cref="IMetrics"/> port.</summary>
public sealed class MetricsHooksTests
{
    private static readonly TokenClaims OrgCaller = new("org-1", "org", "SG");

    private RecordingMetrics _metrics = null!;

    [SetUp]
    public void SetUp() => _metrics = new RecordingMetrics();

    private static Commit Commit(string streamId, long version, DateTimeOffset at)
    {
        var data = new OrgUpdated(streamId, $"v{version}", "Jakarta", null, at);
        return new Commit(streamId, version - 1, [Stored(streamId, version, data, at)], OrgState.Initial, at);
    }

    private async Task<string?> OutcomeOf(Result<OrgWritten> response)
    {
        var behaviour = new MetricsBehaviour<CreateOrg, Result<OrgWritten>>(_metrics);
        await behaviour.Handle(new CreateOrg(OrgCaller, "Acme", "SG", null), (_, _) => ValueTask.FromResult(response), CancellationToken.None);
        var counted = _metrics.Values.Single(v => v.Metric == MetricNames.Commands);
        Assert.That(counted.Value, Is.EqualTo(1));
        Assert.That(counted.Dimensions.Command, Is.EqualTo("CreateOrg"));
        return counted.Dimensions.Outcome;
    }

    [Test]
    public async Task The_behaviour_counts_a_command_by_its_outcome()
    {
        Assert.That(await OutcomeOf(new OrgWritten("org-1", 1)), Is.EqualTo(Outcomes.Ok));
    }

    [TestCaseSource(nameof(Refusals))]
    public async Task The_behaviour_names_each_refusal(Error error, string outcome)
    {
        Assert.That(await OutcomeOf(Result<OrgWritten>.Failure(error)), Is.EqualTo(outcome));
    }

    private static IEnumerable<TestCaseData> Refusals()
    {
        yield return new TestCaseData(ValidationError.For("name", "is required"), Outcomes.Validation);
        yield return new TestCaseData(new NotFoundError("gone"), Outcomes.NotFound);
        yield return new TestCaseData(new ConflictError("exists"), Outcomes.Conflict);
        yield return new TestCaseData(new PreconditionFailedError("stale"), Outcomes.PreconditionFailed);
        yield return new TestCaseData(new RateLimitedError(TimeSpan.FromSeconds(30), "slow down"), Outcomes.RateLimited);
        yield return new TestCaseData(new UnauthorizedError("who?"), Outcomes.Unauthorized);
        yield return new TestCaseData(new ForbiddenError("no"), Outcomes.Forbidden);
        yield return new TestCaseData(new OtpRejectedError(OtpRejectionReasons.Expired, null, "expired"), Outcomes.OtpRejected);
    }

    [Test]
    public void The_behaviour_counts_an_exception_as_an_error_and_lets_it_through()
    {
        var behaviour = new MetricsBehaviour<CreateOrg, Result<OrgWritten>>(_metrics);

        Assert.ThrowsAsync<InvalidOperationException>(async () => await behaviour.Handle(
            new CreateOrg(OrgCaller, "Acme", "SG", null), (_, _) => throw new InvalidOperationException("store down"), CancellationToken.None));

        Assert.That(_metrics.Values.Single(v => v.Metric == MetricNames.Commands).Dimensions.Outcome, Is.EqualTo(Outcomes.Error));
        Assert.That(_metrics.Of(MetricNames.CommandDuration).Count(), Is.EqualTo(1));
    }

    [Test]
    public void Every_outcome_is_a_short_ASCII_name()
    {
        Assert.That(Outcomes.All, Is.Unique);
        Assert.That(Outcomes.All, Has.All.Match("^[a-z_]{2,20}$"));
    }

    [Test]
    public async Task The_command_runner_times_the_load_and_the_append()
    {
        var store = Substitute.For<IEventStore>();
        store.HasStream<OrgState>("org-org-1");
        store.RecordAppends(false, true);
        var runner = new CommandRunner(store, Substitute.For<IPublisher>(), new FakeTimeProvider(T0), NullLogger<CommandRunner>.Instance, _metrics);

        await runner.RunAsync<OrgState>(
            "org-org-1",
            ExpectedVersion.Any,
            (_, _) => ValueTask.FromResult(Decision.Accept(new OrgCreated("org-1", "Acme", "SG", null, T0))),
            CancellationToken.None);

        Assert.That(_metrics.Of(MetricNames.StoreLoadLatency).Count(), Is.EqualTo(2), "a lost race loads again");
        Assert.That(_metrics.Of(MetricNames.StoreAppendLatency).Count(), Is.EqualTo(2));
    }

    [Test]
    public async Task The_relay_times_a_publish_and_counts_a_failed_one()
    {
        var store = Substitute.For<IEventStore>();
        var publisher = Substitute.For<ICommitPublisher>();
        var relay = new OutboxRelay(store, publisher, NullLogger<OutboxRelay>.Instance, _metrics);
        var failing = Commit("org-b", 1, T0);
        Fails(() => publisher.PublishAsync(failing, Arg.Any<CancellationToken>()), new InvalidOperationException("broker down"));

        await relay.TryRelayAsync(Commit("org-a", 1, T0), CancellationToken.None);
        await relay.TryRelayAsync(failing, CancellationToken.None);

        Assert.That(_metrics.Of(MetricNames.PublishLatency).Count(), Is.EqualTo(1));
        Assert.That(_metrics.Of(MetricNames.PublishFailures), Is.EqualTo(new[] { 1.0 }));
    }

    [Test]
    public async Task The_sweeper_counts_the_commits_it_published_even_when_none()
    {
        var store = Substitute.For<IEventStore>();
        var relay = new OutboxRelay(store, Substitute.For<ICommitPublisher>(), NullLogger<OutboxRelay>.Instance, NullMetrics.Instance);
        var sweeper = new SweepOutboxHandler(store, relay, new FakeTimeProvider(T0.AddMinutes(5)), _metrics);
        store.ReadPendingAsync(Arg.Any<DateTimeOffset>(), Arg.Any<int>(), Arg.Any<CancellationToken>())
            .Returns([Commit("org-a", 1, T0), Commit("org-a", 2, T0)], (IReadOnlyList<Commit>)[]);

        await sweeper.Handle(new SweepOutbox(TimeSpan.FromSeconds(30)), CancellationToken.None);
        await sweeper.Handle(new SweepOutbox(TimeSpan.FromSeconds(30)), CancellationToken.None);

        Assert.That(_metrics.Of(MetricNames.CommitsSwept), Is.EqualTo(new[] { 2.0, 0.0 }));
    }

    [Test]
    public async Task A_projection_records_the_lag_from_occurrence_to_projection_only_when_it_writes()
    {
        var models = Substitute.For<IReadModelStore<OrgReadModel>>();
        models.TryPutAsync(Arg.Any<OrgReadModel>(), Arg.Any<long>(), Arg.Any<CancellationToken>()).Returns(true);
        models.GetAsync("org-1", Arg.Any<CancellationToken>()).Returns((OrgReadModel?)null, new OrgReadModel("org-1", "Acme", "SG", null, 1, T0));
        var projection = new OrgProjection(
            models, Substitute.For<IEventStore>(), NullLogger<OrgProjection>.Instance, _metrics, new FakeTimeProvider(T0.AddMilliseconds(1500)));
        var created = Stored("org-org-1", 1, new OrgCreated("org-1", "Acme", "SG", null, T0), T0);

        await projection.ProjectAsync(created, CancellationToken.None);
        await projection.ProjectAsync(created, CancellationToken.None);

        Assert.That(_metrics.Of(MetricNames.ProjectionLag), Is.EqualTo(new[] { 1500.0 }), "the repeat is skipped, not measured");
    }

    [Test]
    public void Queries_are_not_commands_for_the_behaviour()
    {
        // The behaviour's constraint keeps it off queries; the pipeline wiring relies on it.
        Assert.That(typeof(IBaseCommand).IsAssignableFrom(typeof(GetOrg)), Is.False);
        Assert.That(typeof(IBaseCommand).IsAssignableFrom(typeof(CreateOrg)), Is.True);
    }
}
