using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Application.Orgs.Projections;
using CleanCqrs.Infrastructure.Configuration;
using CleanCqrs.Reliability.Tests.Support;

namespace CleanCqrs.Reliability.Tests.Faults;

/// <summary>
/// The event store times out or stalls on some calls of the request path (seeded): before the call,
/// after an append or a mark took effect (the answer was lost), or long enough for the request's
/// deadline to fire. The client may get a 5xx for a write that did land, but never a 2xx for one
/// that did not, and nothing acknowledged is lost.
/// </summary>
[TestFixture(StoreKind.Sqlite)]
[TestFixture(StoreKind.DynamoDb)]
public sealed class StoreFaultTests(StoreKind store)
{
    private const int Seed = 5_03_2026;

    /// <summary>The request's deadline; injected stalls run up to 400 ms, so some of them outlive it.</summary>
    private static readonly TimeSpan Deadline = TimeSpan.FromMilliseconds(250);

    private ServiceHarness _service = null!;
    private FaultyEventStore _store = null!;
    private CountingReadModelStore<OrgReadModel> _applied = null!;

    [SetUp]
    public async Task StartAsync()
    {
        _service = await FaultHarness.StartAsync(
            store,
            services => services.Decorate<IEventStore>((inner, _) => _store = new FaultyEventStore(inner, Seed, 0.08)),
            applied => _applied = applied);
    }

    [TearDown]
    public async Task StopAsync() => await _service.DisposeAsync();

    [Test]
    public async Task Store_timeouts_answer_problem_5xx_never_a_false_2xx_and_lose_nothing_acknowledged()
    {
        var commands = CommandLedger.Plan(Seed, Scale.Pick(200, 1_000), Scale.Pick(25, 100), "stalled-" + store.ToString().ToLowerInvariant());
        var tokens = await _service.TokensAsync(commands);

        var badReplies = new List<string>();
        var outcomes = await CommandLedger.RunAsync(commands, parallelism: 8, async command =>
        {
            ApiResponse response;
            using (FaultScope.Enter())
            {
                response = await _service.SendAsync(command.ToRequest(tokens[command.OrgId]), deadline: Deadline);
            }

            if (response.Status >= 400 && ProblemCheck.Violation(response) is { } violation)
            {
                lock (badReplies)
                {
                    badReplies.Add($"{command}: {response.Status} {violation}");
                }
            }

            return CommandLedger.Outcome(command, response);
        });
        _store.Enabled = false;

        var streams = await _service.OrgStreamsAsync(commands.Select(c => c.OrgId));
        var landedDespite5xx = outcomes.Count(o => o.IsInDoubt && streams.Values.SelectMany(s => s).Any(e => e.Profile == o.Command.Profile));
        TestContext.Progress.WriteLine(
            $"store faults on {store} (seed {Seed}): {CommandLedger.Summary(outcomes)}; injected: {_store.TimeoutsBefore} timeouts before, {_store.TimeoutsAfter} after the call took effect, {_store.Delays} stalls; {landedDespite5xx} writes landed although the client got a 5xx");

        Assert.That(outcomes.Where(o => o.Status is not (200 or 201 or 404 or 409 or 500 or 503)).Select(o => $"{o.Command}: {o.Status}"), Is.Empty);
        Assert.That(outcomes.Count(o => o.Status >= 500), Is.GreaterThan(0), "the faults did reach clients");
        Assert.That(badReplies, Is.Empty, "every error is a problem+json with type, title, status and detail");
        Assert.That(CommandLedger.Contradictions(outcomes, streams), Is.Empty);

        await _service.SweepUntilNothingPendingAsync();
        await _service.ReadModelsConvergeAsync(streams);
        Assert.That(_applied.Applied.Where(a => a.Value > 1).Select(a => $"{a.Key.Id}@{a.Key.Version} x{a.Value}"), Is.Empty);
    }
}
