using System.Globalization;
using CleanCqrs.Infrastructure.Messaging;
using CleanCqrs.Infrastructure.Tests.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace CleanCqrs.Infrastructure.Tests.Messaging;

[TestFixture]
public sealed class InProcBrokerTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly DateTimeOffset T0 = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly InProcBrokerOptions Immediate = new() { RetryDelay = TimeSpan.Zero };

    private TemporaryDataDirectory _directory = null!;
    private FakeTimeProvider _clock = null!;
    private readonly List<InProcBroker> _brokers = [];

    [SetUp]
    public void SetUp()
    {
        _directory = new TemporaryDataDirectory();
        _clock = new FakeTimeProvider(T0);
    }

    [TearDown]
    public void TearDown()
    {
        foreach (var broker in _brokers)
        {
            broker.Dispose();
        }

        _brokers.Clear();
        _directory.Dispose();
    }

    [Test]
    public async Task Delivers_a_message_with_what_an_sqs_record_carries()
    {
        var broker = Open(Immediate);
        await broker.PublishAsync([Message("org-1", "e1", "body-1", ("eventType", "OrgCreated.v1"))], None);
        await broker.PublishAsync([Message("org-1", "e2", "body-2")], None);
        var seen = new List<ReceivedMessage>();

        Assert.That(await broker.DeliverOnceAsync(Succeed(seen), None), Is.EqualTo(2));

        Assert.That(seen, Has.Count.EqualTo(2));
        var first = seen[0];
        Assert.That(first.GroupId, Is.EqualTo("org-1"));
        Assert.That(first.DeduplicationId, Is.EqualTo("e1"));
        Assert.That(first.Body, Is.EqualTo("body-1"));
        Assert.That(first.Attributes, Is.EqualTo(new Dictionary<string, string> { ["eventType"] = "OrgCreated.v1" }));
        Assert.That(first.ReceiveCount, Is.EqualTo(1));
        Assert.That(first.SentAt, Is.EqualTo(T0));
        Assert.That(first.MessageId, Is.Not.Empty.And.Not.EqualTo(seen[1].MessageId));
        Assert.That(seen[1].SequenceNumber, Is.GreaterThan(first.SequenceNumber));
        Assert.That(await broker.CountAsync(None), Is.EqualTo(new BrokerCounts(0, 0, 0)));
    }

    [Test]
    public async Task Delivers_nothing_from_an_empty_queue()
    {
        var broker = Open(Immediate);
        var seen = new List<ReceivedMessage>();

        Assert.That(await broker.DeliverOnceAsync(Succeed(seen), None), Is.Zero);
        Assert.That(seen, Is.Empty);
    }

    [Test]
    public async Task Delivers_at_most_ten_messages_a_batch_oldest_first_across_groups()
    {
        var broker = Open(Immediate);
        await broker.PublishAsync([.. Enumerable.Range(0, 12).Select(i => Message($"g{i % 3}", $"m{i}", $"{i}"))], None);
        var seen = new List<ReceivedMessage>();

        Assert.That(await broker.DeliverOnceAsync(Succeed(seen), None), Is.EqualTo(10));
        Assert.That(seen.Select(m => m.Body), Is.EqualTo(Enumerable.Range(0, 10).Select(Text)));
        Assert.That(await broker.DeliverOnceAsync(Succeed(seen), None), Is.EqualTo(2));
    }

    [Test]
    public async Task Delivers_each_group_in_order_under_concurrent_publishers_and_consumers()
    {
        const int Groups = 12;
        const int PerGroup = 20;
        var broker = Open(Immediate);
        var order = Enumerable.Range(0, Groups).Select(_ => new List<int>()).ToArray();
        var delivered = 0;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        var publishers = Enumerable.Range(0, Groups).Select(g => Task.Run(async () =>
        {
            for (var i = 0; i < PerGroup;)
            {
                var size = Math.Min(1 + (i % 3), PerGroup - i);
                await broker.PublishAsync([.. Enumerable.Range(i, size).Select(n => Message($"g{g}", $"g{g}-{n}", Text(n)))], None);
                i += size;
            }
        }));
        var consumers = Enumerable.Range(0, 3).Select(_ => Task.Run(async () =>
        {
            while (Volatile.Read(ref delivered) < Groups * PerGroup)
            {
                var count = await broker.DeliverOnceAsync(
                    async (batch, ct) =>
                    {
                        // A handler that takes a while gives another consumer the chance to overtake it.
                        await Task.Delay(Random.Shared.Next(0, 3), ct);
                        foreach (var message in batch)
                        {
                            var list = order[int.Parse(message.GroupId[1..], CultureInfo.InvariantCulture)];
                            lock (list)
                            {
                                list.Add(int.Parse(message.Body, CultureInfo.InvariantCulture));
                            }
                        }

                        return new HashSet<string>();
                    },
                    timeout.Token);
                Interlocked.Add(ref delivered, count);
                if (count == 0)
                {
                    await Task.Delay(1, timeout.Token);
                }
            }
        }));
        await Task.WhenAll(publishers.Concat(consumers));

        foreach (var list in order)
        {
            Assert.That(list, Is.EqualTo(Enumerable.Range(0, PerGroup)));
        }
    }

    [Test]
    public async Task Gives_no_further_message_of_a_group_while_one_is_in_flight()
    {
        var broker = Open(Immediate with { BatchSize = 1 });
        await broker.PublishAsync([Message("a", "a1", "a1"), Message("a", "a2", "a2"), Message("b", "b1", "b1")], None);
        var release = new TaskCompletionSource<IReadOnlySet<string>>(TaskCreationOptions.RunContinuationsAsynchronously);
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var slow = broker.DeliverOnceAsync(
            (_, _) =>
            {
                entered.SetResult();
                return release.Task;
            },
            None).AsTask();
        await entered.Task;
        var meanwhile = new List<ReceivedMessage>();
        await broker.DeliverOnceAsync(Succeed(meanwhile), None);
        var nothingMore = await broker.DeliverOnceAsync(Succeed(meanwhile), None);
        release.SetResult(new HashSet<string>());
        await slow;
        var after = new List<ReceivedMessage>();
        await broker.DeliverOnceAsync(Succeed(after), None);

        Assert.That(meanwhile.Select(m => m.Body), Is.EqualTo(new[] { "b1" }));
        Assert.That(nothingMore, Is.Zero);
        Assert.That(after.Select(m => m.Body), Is.EqualTo(new[] { "a2" }));
    }

    [Test]
    public async Task Accepts_and_drops_a_duplicate_deduplication_id_within_five_minutes()
    {
        var broker = Open(Immediate);
        await broker.PublishAsync([Message("g", "same", "first"), Message("g", "same", "repeat in the same call")], None);
        _clock.Advance(TimeSpan.FromMinutes(4));
        await broker.PublishAsync([Message("g", "same", "repeat later"), Message("g", "other", "other")], None);

        var seen = new List<ReceivedMessage>();
        await broker.DeliverOnceAsync(Succeed(seen), None);

        Assert.That(seen.Select(m => m.Body), Is.EqualTo(new[] { "first", "other" }));
    }

    [Test]
    public async Task Accepts_a_deduplication_id_again_after_the_window()
    {
        var broker = Open(Immediate);
        await broker.PublishAsync([Message("g", "same", "first")], None);
        _clock.Advance(TimeSpan.FromMinutes(5));
        await broker.PublishAsync([Message("g", "same", "second")], None);

        var seen = new List<ReceivedMessage>();
        await broker.DeliverOnceAsync(Succeed(seen), None);

        Assert.That(seen.Select(m => m.Body), Is.EqualTo(new[] { "first", "second" }));
    }

    [Test]
    public async Task Refuses_a_publish_with_an_invalid_message_as_a_whole()
    {
        var broker = Open(Immediate);

        Assert.That(
            async () => await broker.PublishAsync([Message("g", "ok", "ok"), Message("", "bad", "no group")], None),
            Throws.InstanceOf<ArgumentException>());

        Assert.That((await broker.CountAsync(None)).Messages, Is.Zero);
    }

    [Test]
    public async Task Redelivers_a_failed_message_and_the_later_ones_of_its_group_but_not_other_groups()
    {
        var broker = Open(Immediate);
        await broker.PublishAsync(
            [Message("a", "a1", "a1"), Message("b", "b1", "b1"), Message("a", "a2", "a2"), Message("a", "a3", "a3"), Message("b", "b2", "b2")],
            None);

        await broker.DeliverOnceAsync((batch, _) => Fail(batch, "a2"), None);
        var redelivered = new List<ReceivedMessage>();
        await broker.DeliverOnceAsync(Succeed(redelivered), None);

        Assert.That(redelivered.Select(m => m.Body), Is.EqualTo(new[] { "a2", "a3" }));
        Assert.That(redelivered.Select(m => m.ReceiveCount), Is.EqualTo(new[] { 2, 2 }));
        Assert.That(await broker.CountAsync(None), Is.EqualTo(new BrokerCounts(0, 0, 0)));
    }

    [Test]
    public async Task Ignores_failed_ids_it_did_not_deliver()
    {
        var broker = Open(Immediate);
        await broker.PublishAsync([Message("a", "a1", "a1")], None);

        await broker.DeliverOnceAsync((_, _) => Task.FromResult<IReadOnlySet<string>>(new HashSet<string> { "not-a-message" }), None);

        Assert.That((await broker.CountAsync(None)).Messages, Is.Zero);
    }

    [Test]
    public async Task Fails_the_whole_batch_when_the_handler_throws()
    {
        var broker = Open(Immediate);
        await broker.PublishAsync([Message("a", "a1", "a1"), Message("b", "b1", "b1")], None);

        var count = await broker.DeliverOnceAsync((_, _) => throw new InvalidOperationException("boom"), None);
        var redelivered = new List<ReceivedMessage>();
        await broker.DeliverOnceAsync(Succeed(redelivered), None);

        Assert.That(count, Is.EqualTo(2));
        Assert.That(redelivered.Select(m => (m.Body, m.ReceiveCount)), Is.EqualTo(new[] { ("a1", 2), ("b1", 2) }));
    }

    [Test]
    public async Task Holds_a_failed_group_back_for_the_retry_delay()
    {
        var broker = Open(new InProcBrokerOptions { RetryDelay = TimeSpan.FromSeconds(1) });
        await broker.PublishAsync([Message("a", "a1", "a1")], None);
        await broker.DeliverOnceAsync((batch, _) => Fail(batch, "a1"), None);
        var seen = new List<ReceivedMessage>();

        var early = await broker.DeliverOnceAsync(Succeed(seen), None);
        var hidden = await broker.CountAsync(None);
        _clock.Advance(TimeSpan.FromSeconds(1));
        var later = await broker.DeliverOnceAsync(Succeed(seen), None);

        Assert.That(early, Is.Zero);
        Assert.That(hidden, Is.EqualTo(new BrokerCounts(1, 1, 0)));
        Assert.That(later, Is.EqualTo(1));
        Assert.That(seen.Single().ReceiveCount, Is.EqualTo(2));
    }

    [Test]
    public async Task Moves_a_message_to_the_dead_letters_when_its_last_allowed_delivery_fails()
    {
        var broker = Open(Immediate with { MaxReceiveCount = 3 });
        await broker.PublishAsync([Message("a", "poison", "poison", ("eventType", "OrgCreated.v1")), Message("b", "fine", "fine")], None);
        var receiveCounts = new List<int>();

        for (var i = 0; i < 5; i++)
        {
            await broker.DeliverOnceAsync(
                (batch, _) =>
                {
                    receiveCounts.AddRange(batch.Where(m => m.Body == "poison").Select(m => m.ReceiveCount));
                    return Fail(batch, batch.Where(m => m.Body == "poison").Select(m => m.MessageId).ToArray());
                },
                None);
        }

        Assert.That(receiveCounts, Is.EqualTo(new[] { 1, 2, 3 }));
        var dead = (await broker.ListDeadLettersAsync(None)).Single();
        Assert.That(dead.Body, Is.EqualTo("poison"));
        Assert.That(dead.GroupId, Is.EqualTo("a"));
        Assert.That(dead.DeduplicationId, Is.EqualTo("poison"));
        Assert.That(dead.ReceiveCount, Is.EqualTo(3));
        Assert.That(dead.Attributes["eventType"], Is.EqualTo("OrgCreated.v1"));
        Assert.That(dead.DeadLetteredAt, Is.EqualTo(T0));
        Assert.That(await broker.CountAsync(None), Is.EqualTo(new BrokerCounts(0, 0, 1)));
    }

    [Test]
    public async Task Delivers_the_rest_of_a_group_once_its_head_is_dead_lettered()
    {
        var broker = Open(Immediate with { MaxReceiveCount = 2, BatchSize = 1 });
        await broker.PublishAsync([Message("a", "a1", "poison"), Message("a", "a2", "next")], None);

        await broker.DeliverOnceAsync((batch, _) => Fail(batch, batch[0].MessageId), None);
        await broker.DeliverOnceAsync((batch, _) => Fail(batch, batch[0].MessageId), None);
        var seen = new List<ReceivedMessage>();
        await broker.DeliverOnceAsync(Succeed(seen), None);

        Assert.That(seen.Select(m => (m.Body, m.ReceiveCount)), Is.EqualTo(new[] { ("next", 1) }));
        Assert.That((await broker.ListDeadLettersAsync(None)).Select(d => d.Body), Is.EqualTo(new[] { "poison" }));
    }

    [Test]
    public async Task Delivers_an_accepted_message_after_a_restart()
    {
        var before = Open(Immediate);
        await before.PublishAsync([Message("org-1", "e1", "survives")], None);
        before.Dispose();
        _brokers.Remove(before);

        var after = Open(Immediate);
        var seen = new List<ReceivedMessage>();
        await after.DeliverOnceAsync(Succeed(seen), None);

        Assert.That(seen.Select(m => m.Body), Is.EqualTo(new[] { "survives" }));
    }

    [Test]
    public async Task Keeps_deduplicating_across_a_restart()
    {
        var before = Open(Immediate);
        await before.PublishAsync([Message("org-1", "e1", "first")], None);
        before.Dispose();
        _brokers.Remove(before);

        var after = Open(Immediate);
        await after.PublishAsync([Message("org-1", "e1", "again")], None);

        Assert.That((await after.CountAsync(None)).Messages, Is.EqualTo(1));
    }

    [Test]
    public async Task Redelivers_a_message_whose_consumer_died_once_the_visibility_timeout_passes()
    {
        var options = Immediate with { VisibilityTimeout = TimeSpan.FromSeconds(30) };
        var crashed = Open(options);
        await crashed.PublishAsync([Message("a", "a1", "a1"), Message("a", "a2", "a2")], None);
        var handlerEntered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var neverEnds = new TaskCompletionSource<IReadOnlySet<string>>();
        var stuck = crashed.DeliverOnceAsync(
            (_, _) =>
            {
                handlerEntered.SetResult();
                return neverEnds.Task;
            },
            None);
        await handlerEntered.Task;

        var restarted = Open(options);
        var seen = new List<ReceivedMessage>();
        var beforeTimeout = await restarted.DeliverOnceAsync(Succeed(seen), None);
        _clock.Advance(TimeSpan.FromSeconds(30));
        await restarted.DeliverOnceAsync(Succeed(seen), None);

        Assert.That(beforeTimeout, Is.Zero);
        Assert.That(seen.Select(m => (m.Body, m.ReceiveCount)), Is.EqualTo(new[] { ("a1", 2), ("a2", 2) }));
        // The late verdict of the first consumer must not touch what the second one settled.
        neverEnds.SetResult(new HashSet<string>());
        await stuck;
        Assert.That(await restarted.CountAsync(None), Is.EqualTo(new BrokerCounts(0, 0, 0)));
    }

    [Test]
    public async Task Ignores_the_verdict_of_a_consumer_whose_message_was_received_again_elsewhere()
    {
        var options = Immediate with { VisibilityTimeout = TimeSpan.FromSeconds(30) };
        var slow = Open(options);
        var fast = Open(options);
        await slow.PublishAsync([Message("a", "a1", "a1")], None);
        var slowEntered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var slowVerdict = new TaskCompletionSource<IReadOnlySet<string>>(TaskCreationOptions.RunContinuationsAsynchronously);
        var slowDelivery = slow.DeliverOnceAsync(
            (_, _) =>
            {
                slowEntered.SetResult();
                return slowVerdict.Task;
            },
            None).AsTask();
        await slowEntered.Task;
        _clock.Advance(TimeSpan.FromSeconds(31));
        var fastEntered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var fastVerdict = new TaskCompletionSource<IReadOnlySet<string>>(TaskCreationOptions.RunContinuationsAsynchronously);
        var fastDelivery = fast.DeliverOnceAsync(
            (_, _) =>
            {
                fastEntered.SetResult();
                return fastVerdict.Task;
            },
            None).AsTask();
        await fastEntered.Task;

        slowVerdict.SetResult(new HashSet<string>());
        await slowDelivery;
        var afterSlow = await fast.CountAsync(None);
        fastVerdict.SetResult(new HashSet<string>());
        await fastDelivery;

        Assert.That(afterSlow, Is.EqualTo(new BrokerCounts(1, 1, 0)));
        Assert.That(await fast.CountAsync(None), Is.EqualTo(new BrokerCounts(0, 0, 0)));
    }

    [Test]
    public async Task Dead_letters_instead_of_delivering_a_message_whose_last_delivery_never_ended()
    {
        var options = Immediate with { MaxReceiveCount = 1, VisibilityTimeout = TimeSpan.FromSeconds(30) };
        var crashed = Open(options);
        await crashed.PublishAsync([Message("a", "a1", "a1"), Message("a", "a2", "a2")], None);
        var abandoned = crashed.DeliverOnceAsync((_, _) => new TaskCompletionSource<IReadOnlySet<string>>().Task, None).AsTask();
        _clock.Advance(TimeSpan.FromSeconds(30));

        var seen = new List<ReceivedMessage>();
        var restarted = Open(options);
        await restarted.DeliverOnceAsync(Succeed(seen), None);

        Assert.That(seen, Is.Empty);
        Assert.That((await restarted.ListDeadLettersAsync(None)).Select(d => d.Body), Is.EqualTo(new[] { "a1", "a2" }));
        Assert.That(abandoned.IsCompleted, Is.False);
    }

    [Test]
    public async Task Hands_messages_back_without_counting_the_delivery_when_stopped_mid_batch()
    {
        var broker = Open(Immediate with { MaxReceiveCount = 1 });
        await broker.PublishAsync([Message("a", "a1", "a1")], None);
        using var stopping = new CancellationTokenSource();

        var delivery = broker.DeliverOnceAsync(
            async (_, ct) =>
            {
                await stopping.CancelAsync();
                await Task.Delay(Timeout.Infinite, ct);
                return new HashSet<string>();
            },
            stopping.Token);

        Assert.That(async () => await delivery, Throws.InstanceOf<OperationCanceledException>());
        var seen = new List<ReceivedMessage>();
        await broker.DeliverOnceAsync(Succeed(seen), None);
        Assert.That(seen.Select(m => m.ReceiveCount), Is.EqualTo(new[] { 1 }));
        Assert.That((await broker.ListDeadLettersAsync(None)), Is.Empty);
    }

    [Test]
    public async Task A_restarted_consumer_releases_what_a_killed_one_left_in_flight()
    {
        var killed = Open(Immediate);
        await killed.PublishAsync([Message("g", "d1", "first"), Message("g", "d2", "second")], None);
        var handlerEntered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var neverSettles = new TaskCompletionSource<IReadOnlySet<string>>();
        var abandoned = killed.DeliverOnceAsync((_, _) => { handlerEntered.SetResult(); return neverSettles.Task; }, None);
        await handlerEntered.Task;

        var restarted = Open(Immediate);
        var seenBeforeRelease = new List<ReceivedMessage>();
        Assert.That(await restarted.DeliverOnceAsync(Succeed(seenBeforeRelease), None), Is.Zero, "hidden until released");

        Assert.That(await restarted.ReleaseInFlightAsync(None), Is.EqualTo(2));
        var seen = new List<ReceivedMessage>();
        await restarted.DeliverOnceAsync(Succeed(seen), None);

        Assert.That(seen.Select(m => (m.Body, m.ReceiveCount)), Is.EqualTo(new[] { ("first", 2), ("second", 2) }));
        Assert.That((await restarted.CountAsync(None)).Messages, Is.Zero);
        neverSettles.SetResult(new HashSet<string>(StringComparer.Ordinal));
        await abandoned;
        Assert.That((await restarted.CountAsync(None)).Messages, Is.Zero, "the stale receipt settles nothing");
    }

    private InProcBroker Open(InProcBrokerOptions options)
    {
        var broker = new InProcBroker(_directory.Path, options, _clock);
        _brokers.Add(broker);
        return broker;
    }

    private static BrokerMessage Message(string group, string deduplicationId, string body, params (string Name, string Value)[] attributes) =>
        new(group, deduplicationId, body, attributes.ToDictionary(a => a.Name, a => a.Value));

    private static Func<IReadOnlyList<ReceivedMessage>, CancellationToken, Task<IReadOnlySet<string>>> Succeed(List<ReceivedMessage> seen) =>
        (batch, _) =>
        {
            seen.AddRange(batch);
            return Task.FromResult<IReadOnlySet<string>>(new HashSet<string>());
        };

    private static Task<IReadOnlySet<string>> Fail(IReadOnlyList<ReceivedMessage> batch, params string[] bodiesOrIds) =>
        Task.FromResult<IReadOnlySet<string>>(batch
            .Where(m => bodiesOrIds.Contains(m.Body) || bodiesOrIds.Contains(m.MessageId))
            .Select(m => m.MessageId)
            .ToHashSet());

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
