using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Application.Orgs.Projections;
using CleanCqrs.Infrastructure.Configuration;
using CleanCqrs.Reliability.Tests.Support;

namespace CleanCqrs.Reliability.Tests.Faults;

/// <summary>
/// The broker fails 30% of publishes (seeded): half refuse outright, half accept and then lose the
/// acknowledgement. Commands must neither fail nor duplicate because of it, and the outbox must get
/// every commit out in the end.
/// </summary>
[TestFixture(StoreKind.Sqlite)]
[TestFixture(StoreKind.DynamoDb)]
public sealed class PublisherFaultTests(StoreKind store)
{
    private const int Seed = 30_2026;

    private ServiceHarness _service = null!;
    private FlakyCommitPublisher _publisher = null!;
    private CountingReadModelStore<OrgReadModel> _applied = null!;

    [SetUp]
    public async Task StartAsync()
    {
        _service = await FaultHarness.StartAsync(
            store,
            services => services.Decorate<ICommitPublisher>((inner, _) => _publisher = new FlakyCommitPublisher(inner, Seed, 0.3)),
            applied => _applied = applied);
    }

    [TearDown]
    public async Task StopAsync() => await _service.DisposeAsync();

    [Test]
    public async Task A_flaky_broker_loses_no_acknowledged_write_and_every_commit_is_published_once_swept()
    {
        var commands = CommandLedger.Plan(Seed, Scale.Pick(200, 1_000), Scale.Pick(25, 100), "flaky-" + store.ToString().ToLowerInvariant());
        var tokens = await _service.TokensAsync(commands);

        var outcomes = await CommandLedger.RunAsync(commands, parallelism: 8, async command =>
            CommandLedger.Outcome(command, await _service.SendAsync(command.ToRequest(tokens[command.OrgId]))));
        TestContext.Progress.WriteLine(
            $"publisher faults on {store} (seed {Seed}): {CommandLedger.Summary(outcomes)}; publishes {_publisher.Calls}, refused {_publisher.FailedBefore}, acknowledgement lost {_publisher.FailedAfter}");

        Assert.That(outcomes.Where(o => o.Status is not (200 or 201 or 404 or 409)).Select(o => $"{o.Command}: {o.Status}"), Is.Empty,
            "a publish failure is never the command's failure");
        Assert.That(_publisher.FailedBefore + _publisher.FailedAfter, Is.GreaterThan(0), "the broker did fail");

        var streams = await _service.OrgStreamsAsync(commands.Select(c => c.OrgId));
        Assert.That(CommandLedger.Contradictions(outcomes, streams), Is.Empty);
        Assert.That(streams.ToDictionary(s => s.Key, s => s.Value.Count),
            Is.EqualTo(outcomes.Where(o => o.IsAcknowledged).GroupBy(o => o.Command.OrgId).ToDictionary(g => g.Key, g => g.Count())),
            "events per stream = acknowledged writes");

        // The broker stays flaky while the outbox is swept: the sweeper has to keep trying.
        await _service.SweepUntilNothingPendingAsync();
        await _service.ReadModelsConvergeAsync(streams);
        Assert.That(_applied.Applied.Where(a => a.Value > 1).Select(a => $"{a.Key.Id}@{a.Key.Version} x{a.Value}"), Is.Empty,
            "no event is applied to a read model twice");
        Assert.That(await _service.Broker.ListDeadLettersAsync(CancellationToken.None), Is.Empty);
    }
}
