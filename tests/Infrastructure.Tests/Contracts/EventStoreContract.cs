using System.Collections.Concurrent;
using CleanCqrs.Application.Common.EventSourcing;
using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Domain.Common;
using CleanCqrs.Domain.Orgs;
using static CleanCqrs.Infrastructure.Tests.Contracts.OrgCommits;

namespace CleanCqrs.Infrastructure.Tests.Contracts;

/// <summary>
/// What every <see cref="IEventStore"/> must do. A concrete fixture per implementation (SQLite,
/// DynamoDB) supplies the store; every behaviour lives here so the implementations cannot drift apart.
/// </summary>
public abstract class EventStoreContract
{
    private static readonly CancellationToken None = CancellationToken.None;

    protected IEventStore Store { get; private set; } = null!;

    /// <summary>A new, empty store for one test.</summary>
    protected abstract ValueTask<IEventStore> CreateStoreAsync();

    /// <summary>Releases what <see cref="CreateStoreAsync"/> made.</summary>
    protected virtual ValueTask DisposeStoreAsync() => ValueTask.CompletedTask;

    [SetUp]
    public async Task CreateStore() => Store = await CreateStoreAsync();

    [TearDown]
    public async Task DisposeStore() => await DisposeStoreAsync();

    [Test]
    public async Task Loads_an_unknown_stream_at_version_zero_with_the_initial_state()
    {
        var loaded = await Store.LoadAsync<OrgState>(NewStreamId(), None);

        Assert.That(loaded.Version, Is.Zero);
        Assert.That(loaded.State, Is.EqualTo(OrgState.Initial));
    }

    [Test]
    public async Task Loads_the_state_and_version_of_the_latest_commit()
    {
        var stream = NewStreamId();
        var first = Commit(stream, Empty, T0, Created(stream, "Acme"));
        Assert.That(await Store.TryAppendAsync(first, None), Is.True);
        var second = Commit(stream, new LoadedStream<OrgState>((OrgState)first.Snapshot, 1), T0.AddSeconds(1), Updated(stream, "Acme Two"));
        Assert.That(await Store.TryAppendAsync(second, None), Is.True);

        var loaded = await Store.LoadAsync<OrgState>(stream, None);

        Assert.That(loaded.Version, Is.EqualTo(2));
        Assert.That(loaded.State, Is.EqualTo(new OrgState(true, "Acme Two", "Manila", null)));
    }

    [Test]
    public async Task Loads_from_the_snapshot_stored_with_the_commit_not_by_folding_events()
    {
        var stream = NewStreamId();
        var snapshot = new OrgState(true, "Only in the snapshot", "Nowhere", "proves one read");
        await Store.TryAppendAsync(Commit(stream, Empty, T0, snapshot, Created(stream, "Acme")), None);

        var loaded = await Store.LoadAsync<OrgState>(stream, None);

        Assert.That(loaded, Is.EqualTo(new LoadedStream<OrgState>(snapshot, 1)));
    }

    [Test]
    public async Task Reads_back_every_event_exactly_as_appended()
    {
        var stream = NewStreamId();
        var first = Commit(stream, Empty, T0, Created(stream, "Acme"), Updated(stream, "Acme Ltd", T0.AddMinutes(1)));
        await Store.TryAppendAsync(first, None);
        var second = Commit(stream, new LoadedStream<OrgState>((OrgState)first.Snapshot, 2), T0.AddHours(1), Updated(stream, "Acme Inc"));
        await Store.TryAppendAsync(second, None);

        var events = await ReadAllAsync(stream, 0);

        Assert.That(events, Is.EqualTo(first.Events.Concat(second.Events)));
    }

    [Test]
    public async Task Refuses_a_second_writer_at_the_same_expected_version_and_stores_nothing_of_it()
    {
        var stream = NewStreamId();
        var winner = Commit(stream, Empty, T0, Created(stream, "Winner"));
        var loser = Commit(stream, Empty, T0, Created(stream, "Loser"));

        Assert.That(await Store.TryAppendAsync(winner, None), Is.True);
        Assert.That(await Store.TryAppendAsync(loser, None), Is.False);

        Assert.That(await ReadAllAsync(stream, 0), Is.EqualTo(winner.Events));
        Assert.That((await Store.LoadAsync<OrgState>(stream, None)).State.Name, Is.EqualTo("Winner"));
    }

    [Test]
    public async Task Refuses_a_writer_at_a_taken_expected_version_even_with_more_events()
    {
        var stream = NewStreamId();
        var winner = Commit(stream, Empty, T0, Created(stream, "Winner"));
        var loser = Commit(stream, Empty, T0, Created(stream, "Loser"), Updated(stream, "Loser again"));

        Assert.That(await Store.TryAppendAsync(winner, None), Is.True);
        Assert.That(await Store.TryAppendAsync(loser, None), Is.False);

        Assert.That(await ReadAllAsync(stream, 0), Is.EqualTo(winner.Events));
        Assert.That((await Store.LoadAsync<OrgState>(stream, None)).Version, Is.EqualTo(1));
    }

    [Test]
    public async Task Stores_the_events_of_a_commit_together_with_contiguous_versions()
    {
        var stream = NewStreamId();
        var first = Commit(stream, Empty, T0, Created(stream, "A"), Updated(stream, "B"), Updated(stream, "C"));
        await Store.TryAppendAsync(first, None);
        var second = Commit(stream, new LoadedStream<OrgState>((OrgState)first.Snapshot, 3), T0, Updated(stream, "D"), Updated(stream, "E"));
        await Store.TryAppendAsync(second, None);

        var events = await ReadAllAsync(stream, 0);

        Assert.That(events.Select(e => e.Version), Is.EqualTo(new long[] { 1, 2, 3, 4, 5 }));
        Assert.That(events.Select(e => NameIn(e.Data)), Is.EqualTo(new[] { "A", "B", "C", "D", "E" }));
        Assert.That((await Store.LoadAsync<OrgState>(stream, None)).Version, Is.EqualTo(5));
    }

    [Test]
    public async Task Reads_a_stream_after_a_version_even_inside_a_commit()
    {
        var stream = NewStreamId();
        var state = await AppendAsync(stream, Empty, Created(stream, "v1"));
        state = await AppendAsync(stream, state, Updated(stream, "v2"), Updated(stream, "v3"));
        await AppendAsync(stream, state, Updated(stream, "v4"));

        Assert.That((await ReadAllAsync(stream, 0)).Select(e => e.Version), Is.EqualTo(new long[] { 1, 2, 3, 4 }));
        Assert.That((await ReadAllAsync(stream, 2)).Select(e => e.Version), Is.EqualTo(new long[] { 3, 4 }));
        Assert.That((await ReadAllAsync(stream, 1)).Select(e => e.Version), Is.EqualTo(new long[] { 2, 3, 4 }));
        Assert.That(await ReadAllAsync(stream, 4), Is.Empty);
        Assert.That(await ReadAllAsync(NewStreamId(), 0), Is.Empty);
    }

    [Test]
    public async Task Reads_a_long_stream_in_order()
    {
        var stream = NewStreamId();
        var state = await AppendAsync(stream, Empty, Created(stream, "0"));
        for (var i = 1; i < 450; i++)
        {
            state = await AppendAsync(stream, state, Updated(stream, i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        var events = await ReadAllAsync(stream, 0);

        Assert.That(events.Select(e => e.Version), Is.EqualTo(Enumerable.Range(1, 450).Select(v => (long)v)));
    }

    [Test]
    public async Task Lists_every_stream_once()
    {
        var streams = new[] { NewStreamId(), NewStreamId(), NewStreamId() };
        foreach (var stream in streams)
        {
            var state = await AppendAsync(stream, Empty, Created(stream, "A"));
            await AppendAsync(stream, state, Updated(stream, "B"));
        }

        var listed = new List<string>();
        await foreach (var stream in Store.ListStreamsAsync(None))
        {
            listed.Add(stream);
        }

        Assert.That(listed, Is.EquivalentTo(streams));
    }

    [Test]
    public async Task Refuses_a_commit_whose_events_are_not_numbered_on_from_its_expected_version()
    {
        var stream = NewStreamId();
        var valid = Commit(stream, Empty, T0, Created(stream, "Acme"));
        var skipping = valid with { Events = [valid.Events[0] with { Version = 2 }] };
        var empty = valid with { Events = [] };

        Assert.ThrowsAsync<ArgumentException>(async () => await Store.TryAppendAsync(skipping, None));
        Assert.ThrowsAsync<ArgumentException>(async () => await Store.TryAppendAsync(empty, None));
        Assert.That((await Store.LoadAsync<OrgState>(stream, None)).Version, Is.Zero);
    }

    [Test]
    public async Task Lists_pending_commits_committed_before_a_time_oldest_first()
    {
        var a = NewStreamId();
        var b = NewStreamId();
        var a1 = Commit(a, Empty, T0, Created(a, "A"));
        var b1 = Commit(b, Empty, T0.AddSeconds(1), Created(b, "B"));
        var a2 = Commit(a, new LoadedStream<OrgState>((OrgState)a1.Snapshot, 1), T0.AddSeconds(2), Updated(a, "A2"), Updated(a, "A3"));
        foreach (var commit in new[] { a1, b1, a2 })
        {
            await Store.TryAppendAsync(commit, None);
        }

        var all = await Store.ReadPendingAsync(T0.AddMinutes(1), 100, None);
        var older = await Store.ReadPendingAsync(T0.AddSeconds(1.5), 100, None);
        var first = await Store.ReadPendingAsync(T0.AddMinutes(1), 1, None);
        var none = await Store.ReadPendingAsync(T0, 100, None);

        Assert.That(all.Select(Key), Is.EqualTo(new[] { Key(a1), Key(b1), Key(a2) }));
        Assert.That(older.Select(Key), Is.EqualTo(new[] { Key(a1), Key(b1) }));
        Assert.That(first.Select(Key), Is.EqualTo(new[] { Key(a1) }));
        Assert.That(none, Is.Empty);
    }

    [Test]
    public async Task Returns_pending_commits_whole()
    {
        var stream = NewStreamId();
        var commit = Commit(stream, Empty, T0, Created(stream, "A"), Updated(stream, "B"));
        await Store.TryAppendAsync(commit, None);

        var pending = (await Store.ReadPendingAsync(T0.AddSeconds(1), 10, None)).Single();

        Assert.That(pending.StreamId, Is.EqualTo(commit.StreamId));
        Assert.That(pending.ExpectedVersion, Is.EqualTo(commit.ExpectedVersion));
        Assert.That(pending.Version, Is.EqualTo(2));
        Assert.That(pending.Events, Is.EqualTo(commit.Events));
        Assert.That(pending.Snapshot, Is.EqualTo(commit.Snapshot));
        Assert.That(pending.CommittedAt, Is.EqualTo(commit.CommittedAt));
    }

    [Test]
    public async Task Leaves_marked_commits_out_of_the_pending_list()
    {
        var a = NewStreamId();
        var b = NewStreamId();
        var a1 = Commit(a, Empty, T0, Created(a, "A"));
        var b1 = Commit(b, Empty, T0.AddSeconds(1), Created(b, "B"));
        await Store.TryAppendAsync(a1, None);
        await Store.TryAppendAsync(b1, None);

        await Store.MarkPublishedAsync(a, 1, None);
        await Store.MarkPublishedAsync(a, 1, None);
        await Store.MarkPublishedAsync(NewStreamId(), 7, None);

        var pending = await Store.ReadPendingAsync(T0.AddMinutes(1), 100, None);
        Assert.That(pending.Select(Key), Is.EqualTo(new[] { Key(b1) }));
        Assert.That((await Store.LoadAsync<OrgState>(a, None)).Version, Is.EqualTo(1), "marking changes nothing else");
    }

    [Test]
    public async Task Gives_each_version_to_exactly_one_of_many_concurrent_writers()
    {
        const int Writers = 24;
        var stream = NewStreamId();
        var attempts = new ConcurrentBag<int>();

        await Task.WhenAll(Enumerable.Range(0, Writers).Select(writer => Task.Run(async () =>
        {
            var name = $"writer-{writer}";
            for (var attempt = 1; ; attempt++)
            {
                var loaded = await Store.LoadAsync<OrgState>(stream, None);
                var commit = Commit(stream, loaded, T0, loaded.State.Exists ? Updated(stream, name) : Created(stream, name));
                if (await Store.TryAppendAsync(commit, None))
                {
                    attempts.Add(attempt);
                    return;
                }

                Assert.That(attempt, Is.LessThan(10_000), "a writer never got its turn");
            }
        })));

        var events = await ReadAllAsync(stream, 0);
        Assert.That(events.Select(e => e.Version), Is.EqualTo(Enumerable.Range(1, Writers).Select(v => (long)v)));
        Assert.That(
            events.Select(e => NameIn(e.Data)),
            Is.EquivalentTo(Enumerable.Range(0, Writers).Select(w => $"writer-{w}")));
        Assert.That(events.Count(e => e.Data is OrgCreated), Is.EqualTo(1));
        Assert.That(events.Select(e => e.EventId).Distinct().Count(), Is.EqualTo(Writers));
        var loaded = await Store.LoadAsync<OrgState>(stream, None);
        Assert.That(loaded.Version, Is.EqualTo(Writers));
        Assert.That(loaded.State, Is.EqualTo(OrgState.Initial.Fold(events.Select(e => e.Data))));
        Assert.That(attempts, Has.Count.EqualTo(Writers));
    }

    protected async Task<List<StoredEvent>> ReadAllAsync(string streamId, long afterVersion)
    {
        var events = new List<StoredEvent>();
        await foreach (var stored in Store.ReadStreamAsync(streamId, afterVersion, None))
        {
            events.Add(stored);
        }

        return events;
    }

    protected async Task<LoadedStream<OrgState>> AppendAsync(
        string streamId, LoadedStream<OrgState> before, params IDomainEvent[] events)
    {
        var commit = Commit(streamId, before, T0, events);
        Assert.That(await Store.TryAppendAsync(commit, None), Is.True);
        return new LoadedStream<OrgState>((OrgState)commit.Snapshot, commit.Version);
    }

    private static string Key(Commit commit) => $"{commit.StreamId}@{commit.Version}";
}
