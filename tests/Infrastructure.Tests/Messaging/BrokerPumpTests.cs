using CleanCqrs.Infrastructure.Messaging;
using CleanCqrs.Infrastructure.Tests.Sqlite;

namespace CleanCqrs.Infrastructure.Tests.Messaging;

[TestFixture]
public sealed class BrokerPumpTests
{
    // Only an upper bound against a hung test, never a timing expectation.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private static readonly InProcBrokerOptions Options = new()
    {
        RetryDelay = TimeSpan.Zero,
        IdlePollInterval = TimeSpan.FromMilliseconds(50),
    };

    private TemporaryDataDirectory _directory = null!;
    private InProcBroker _broker = null!;

    [SetUp]
    public void SetUp()
    {
        _directory = new TemporaryDataDirectory();
        _broker = new InProcBroker(_directory.Path, Options);
    }

    [TearDown]
    public void TearDown()
    {
        _broker.Dispose();
        _directory.Dispose();
    }

    [Test]
    public async Task Delivers_what_is_published_while_it_runs_and_stops_when_asked()
    {
        await using var pump = new BrokerPump(_broker);
        var seen = new Collector(expected: 5);
        pump.Start(seen.HandleAsync);

        await _broker.PublishAsync([Message("a", "1"), Message("b", "2")], CancellationToken.None);
        await _broker.PublishAsync([Message("a", "3"), Message("a", "4"), Message("c", "5")], CancellationToken.None);
        await seen.All.WaitAsync(Patience);
        await pump.StopAsync();

        Assert.That(seen.Bodies, Is.EquivalentTo(new[] { "1", "2", "3", "4", "5" }));
        Assert.That((await _broker.CountAsync(CancellationToken.None)).Messages, Is.Zero);
    }

    [Test]
    public async Task Returns_normally_when_its_token_is_cancelled()
    {
        await using var pump = new BrokerPump(_broker);
        using var stopping = new CancellationTokenSource();
        var running = pump.RunAsync(new Collector(expected: 1).HandleAsync, stopping.Token);

        await stopping.CancelAsync();

        Assert.That(async () => await running.WaitAsync(Patience), Throws.Nothing);
    }

    [Test]
    public async Task Notices_messages_published_by_another_broker_on_the_same_file()
    {
        using var otherProcess = new InProcBroker(_directory.Path, Options);
        await using var pump = new BrokerPump(_broker);
        var seen = new Collector(expected: 1);
        pump.Start(seen.HandleAsync);

        await otherProcess.PublishAsync([Message("a", "from elsewhere")], CancellationToken.None);

        await seen.All.WaitAsync(Patience);
        Assert.That(seen.Bodies, Is.EqualTo(new[] { "from elsewhere" }));
    }

    [Test]
    public async Task Keeps_delivering_after_a_handler_failure()
    {
        await using var pump = new BrokerPump(_broker);
        var seen = new Collector(expected: 2, throwFirst: true);
        pump.Start(seen.HandleAsync);

        await _broker.PublishAsync([Message("a", "1"), Message("a", "2")], CancellationToken.None);

        await seen.All.WaitAsync(Patience);
        Assert.That(seen.Bodies, Is.EqualTo(new[] { "1", "2" }));
    }

    [Test]
    public async Task Consumers_run_batches_side_by_side_but_never_one_group_in_two_batches_and_keep_each_group_in_order()
    {
        using var concurrent = new InProcBroker(_directory.Path, Options with { FileName = "concurrent.db", Consumers = 4, BatchSize = 3 });
        await using var pump = new BrokerPump(concurrent);
        const int groups = 12;
        const int perGroup = 15;
        var sync = new Lock();
        var inFlight = new HashSet<string>(StringComparer.Ordinal);
        var overlaps = 0;
        var maxBatchesAtOnce = 0;
        var batchesAtOnce = 0;
        var seen = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var total = 0;

        pump.Start(async (batch, ct) =>
        {
            var groupsOfBatch = batch.Select(m => m.GroupId).Distinct().ToArray();
            lock (sync)
            {
                overlaps += groupsOfBatch.Count(g => !inFlight.Add(g));
                maxBatchesAtOnce = Math.Max(maxBatchesAtOnce, ++batchesAtOnce);
            }

            await Task.Delay(5, ct);
            lock (sync)
            {
                batchesAtOnce--;
                foreach (var message in batch)
                {
                    if (!seen.TryGetValue(message.GroupId, out var list))
                    {
                        seen[message.GroupId] = list = [];
                    }

                    list.Add(int.Parse(message.Body, System.Globalization.CultureInfo.InvariantCulture));
                }

                inFlight.ExceptWith(groupsOfBatch);
                if ((total += batch.Count) == groups * perGroup)
                {
                    done.TrySetResult();
                }
            }

            return new HashSet<string>(StringComparer.Ordinal);
        });

        await Task.WhenAll(Enumerable.Range(0, groups).Select(g => Task.Run(async () =>
        {
            for (var n = 0; n < perGroup; n++)
            {
                await concurrent.PublishAsync([Message($"g{g}", n.ToString(System.Globalization.CultureInfo.InvariantCulture))], CancellationToken.None);
            }
        })));
        await done.Task.WaitAsync(Patience);
        await pump.StopAsync();

        Assert.That(overlaps, Is.Zero, "a group was in two batches at once");
        Assert.That(seen.Values.Select(list => list.SequenceEqual(Enumerable.Range(0, perGroup))), Is.All.True);
        Assert.That(maxBatchesAtOnce, Is.InRange(1, 4));
    }

    private static BrokerMessage Message(string group, string body) =>
        new(group, Guid.NewGuid().ToString(), body, new Dictionary<string, string>());

    private sealed class Collector(int expected, bool throwFirst = false)
    {
        private readonly Lock _sync = new();
        private readonly List<string> _bodies = [];
        private readonly TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private bool _thrown;

        public Task All => _all.Task;

        public IReadOnlyList<string> Bodies
        {
            get
            {
                lock (_sync)
                {
                    return [.. _bodies];
                }
            }
        }

        public Task<IReadOnlySet<string>> HandleAsync(IReadOnlyList<ReceivedMessage> batch, CancellationToken cancellationToken)
        {
            lock (_sync)
            {
                if (throwFirst && !_thrown)
                {
                    _thrown = true;
                    throw new InvalidOperationException("The first batch fails.");
                }

                _bodies.AddRange(batch.Select(m => m.Body));
                if (_bodies.Count >= expected)
                {
                    _all.TrySetResult();
                }
            }

            return Task.FromResult<IReadOnlySet<string>>(new HashSet<string>());
        }
    }
}
