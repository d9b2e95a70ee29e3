using System.Collections.Concurrent;
using Amazon.DynamoDBv2;
using CleanCqrs.Application.Common.EventSourcing;
using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Domain.Common;
using CleanCqrs.Domain.Orgs;
using CleanCqrs.Domain.Otps;
using CleanCqrs.Infrastructure.DynamoDb;
using static CleanCqrs.Infrastructure.Tests.DynamoDb.TestCommits;

namespace CleanCqrs.Infrastructure.Tests.DynamoDb;

/// <summary>The event store's behaviour on DynamoDB (dynalite); every test uses streams of its own.</summary>
[TestFixture]
public sealed class DynamoDbEventStoreTests
{
    private static IAmazonDynamoDB Client => DynamoDbTestServer.Client;
    private DynamoDbTableNames _tables = null!;

    [OneTimeSetUp]
    public async Task ProvisionAsync()
    {
        _tables = await DynamoDbTestServer.ProvisionFreshTablesAsync(Client);
    }

    /// <summary>Pages of two items, so every paginated read crosses pages.</summary>
    private IEventStore CreateStore() => new DynamoDbEventStore(Client, _tables, pageSize: 2);

    [Test]
    public async Task Unknown_stream_loads_at_version_zero_in_its_initial_state()
    {
        var loaded = await CreateStore().LoadAsync<OrgState>(NewOrgStream(), CancellationToken.None);

        Assert.That(loaded.Version, Is.Zero);
        Assert.That(loaded.State, Is.SameAs(OrgState.Initial));
    }

    [Test]
    public async Task Appended_commit_loads_back_as_its_snapshot_and_version()
    {
        var store = CreateStore();
        var stream = NewOrgStream();
        var commits = await AppendAsync(store, stream, [1, 2]);

        var loaded = await store.LoadAsync<OrgState>(stream, CancellationToken.None);

        Assert.That(loaded.Version, Is.EqualTo(3));
        Assert.That(loaded.State, Is.EqualTo(commits[^1].Snapshot));
        Assert.That(loaded.State.Description, Is.EqualTo("Version 3\n\twith a tab"));
    }

    [Test]
    public async Task Otp_snapshot_with_its_request_history_round_trips()
    {
        var store = CreateStore();
        var stream = $"otp-{Guid.NewGuid():N}";
        var issued = new OtpIssued(Guid.NewGuid().ToString("N"), "subject", "+6281234567890", "worker", "ID", "sms", Now, Now.AddMinutes(5));
        var state = OtpState.Initial.Apply(issued);
        var commit = new Commit(stream, 0, [new StoredEvent(Guid.NewGuid(), stream, 1, issued, Now, EventMetadata.Empty)], state, Now);

        Assert.That(await store.TryAppendAsync(commit, CancellationToken.None), Is.True);
        var loaded = await store.LoadAsync<OtpState>(stream, CancellationToken.None);

        Assert.That(loaded.Version, Is.EqualTo(1));
        Assert.That(loaded.State with { RecentRequests = [] }, Is.EqualTo(state with { RecentRequests = [] }));
        Assert.That(loaded.State.RecentRequests, Is.EqualTo(state.RecentRequests));
    }

    [Test]
    public async Task Second_writer_at_the_same_expected_version_is_refused_and_stores_nothing()
    {
        var store = CreateStore();
        var stream = NewOrgStream();
        var first = OrgCommit(stream, 0, OrgState.Initial, events: 1);
        var second = OrgCommit(stream, 0, OrgState.Initial, events: 2);

        Assert.That(await store.TryAppendAsync(first, CancellationToken.None), Is.True);
        Assert.That(await store.TryAppendAsync(second, CancellationToken.None), Is.False);

        var stored = await ReadAllAsync(store, stream);
        Assert.That(stored.Select(e => e.EventId), Is.EqualTo(first.Events.Select(e => e.EventId)));
        Assert.That((await store.LoadAsync<OrgState>(stream, CancellationToken.None)).Version, Is.EqualTo(1));
    }

    [Test]
    public async Task Writer_at_a_stale_version_is_refused()
    {
        var store = CreateStore();
        var stream = NewOrgStream();
        await AppendAsync(store, stream, [2, 1]);

        Assert.That(await store.TryAppendAsync(OrgCommit(stream, 0, OrgState.Initial), CancellationToken.None), Is.False);
        Assert.That(await store.TryAppendAsync(OrgCommit(stream, 2, OrgState.Initial), CancellationToken.None), Is.False);
        Assert.That((await ReadAllAsync(store, stream)).Select(e => e.Version), Is.EqualTo(new long[] { 1, 2, 3 }));
    }

    [Test]
    public async Task Repeated_append_of_the_same_commit_is_its_own_write_not_a_conflict()
    {
        // What the SDK does when a successful put's response is lost: it sends the same put again.
        var store = CreateStore();
        var stream = NewOrgStream();
        var commit = OrgCommit(stream, 0, OrgState.Initial, events: 2);

        Assert.That(await store.TryAppendAsync(commit, CancellationToken.None), Is.True);
        Assert.That(await store.TryAppendAsync(commit, CancellationToken.None), Is.True);

        Assert.That((await ReadAllAsync(store, stream)).Select(e => e.EventId), Is.EqualTo(commit.Events.Select(e => e.EventId)));
    }

    [Test]
    public async Task Multi_event_commit_is_stored_whole_with_contiguous_versions()
    {
        var store = CreateStore();
        var stream = NewOrgStream();
        var metadata = new EventMetadata("correlation-1", "cause-9");
        var commit = OrgCommit(stream, 0, OrgState.Initial, events: 3, metadata: metadata);

        Assert.That(await store.TryAppendAsync(commit, CancellationToken.None), Is.True);
        var stored = await ReadAllAsync(store, stream);

        Assert.That(stored, Is.EqualTo(commit.Events));
        Assert.That(stored.Select(e => e.Version), Is.EqualTo(new long[] { 1, 2, 3 }));
        Assert.That((await store.LoadAsync<OrgState>(stream, CancellationToken.None)).Version, Is.EqualTo(3));
    }

    [TestCase(0)]
    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    [TestCase(5)]
    [TestCase(9)]
    [TestCase(11)]
    [TestCase(12)]
    [TestCase(40)]
    public async Task Reading_a_stream_after_a_version_returns_exactly_the_later_events_in_order(long after)
    {
        var store = CreateStore();
        var stream = NewOrgStream();
        var commits = await AppendAsync(store, stream, [1, 2, 1, 3, 1, 2, 1, 1]);
        var all = commits.SelectMany(c => c.Events).ToList();

        var read = await ReadAllAsync(store, stream, after);

        Assert.That(read, Is.EqualTo(all.Where(e => e.Version > after)));
    }

    [Test]
    public async Task Reading_an_unknown_stream_returns_nothing()
    {
        Assert.That(await ReadAllAsync(CreateStore(), NewOrgStream()), Is.Empty);
        Assert.That(await ReadAllAsync(CreateStore(), NewOrgStream(), afterVersion: 4), Is.Empty);
    }

    [Test]
    public async Task A_stored_commit_is_pending_until_marked_published()
    {
        var store = CreateStore();
        var window = NewPastWindow();
        var stream = NewOrgStream();
        var commits = await AppendAsync(store, stream, [1, 3, 1], window);

        // All three share one commit time: the backlog still comes back in version order, also when cut short.
        var pending = await store.ReadPendingAsync(window.AddDays(1), 100, CancellationToken.None);
        Assert.That(pending, Is.EqualTo(commits).Using<Commit>(SameCommit), "all pending");
        var firstTwo = await store.ReadPendingAsync(window.AddDays(1), 2, CancellationToken.None);
        Assert.That(firstTwo, Is.EqualTo(commits.Take(2)).Using<Commit>(SameCommit), "the oldest two");

        await store.MarkPublishedAsync(stream, commits[1].Version, CancellationToken.None);
        var afterOne = await store.ReadPendingAsync(window.AddDays(1), 100, CancellationToken.None);
        Assert.That(afterOne.Select(c => c.Version), Is.EqualTo(new long[] { 1, 5 }));

        await store.MarkPublishedAsync(stream, commits[0].Version, CancellationToken.None);
        await store.MarkPublishedAsync(stream, commits[2].Version, CancellationToken.None);
        Assert.That(await store.ReadPendingAsync(window.AddDays(1), 100, CancellationToken.None), Is.Empty);
    }

    [Test]
    public async Task Pending_commits_come_oldest_first_up_to_the_maximum_and_only_before_the_cutoff()
    {
        var store = CreateStore();
        var window = NewPastWindow();
        var streams = Enumerable.Range(0, 5).Select(_ => NewOrgStream()).ToArray();
        var commits = new List<Commit>();
        for (var i = 0; i < streams.Length; i++)
        {
            // Stored newest first, so the order read back cannot come from the order written.
            commits.AddRange(await AppendAsync(store, streams[i], [1], window.AddMinutes(10 * (streams.Length - i))));
        }

        var oldestFirst = commits.OrderBy(c => c.CommittedAt).ToList();

        var three = await store.ReadPendingAsync(window.AddDays(1), 3, CancellationToken.None);
        Assert.That(three, Is.EqualTo(oldestFirst.Take(3)).Using<Commit>(SameCommit));

        var beforeCutoff = await store.ReadPendingAsync(oldestFirst[2].CommittedAt, 100, CancellationToken.None);
        Assert.That(beforeCutoff, Is.EqualTo(oldestFirst.Take(2)).Using<Commit>(SameCommit), "strictly before the cutoff");

        Assert.That(await store.ReadPendingAsync(window.AddDays(1), 0, CancellationToken.None), Is.Empty);
    }

    [Test]
    public async Task A_pending_commit_reads_back_whole()
    {
        var store = CreateStore();
        var window = NewPastWindow();
        var stream = NewOrgStream();
        var commit = (await AppendAsync(store, stream, [2], window)).Single();

        var pending = (await store.ReadPendingAsync(window.AddDays(1), 10, CancellationToken.None)).Single();

        Assert.That(pending.StreamId, Is.EqualTo(stream));
        Assert.That(pending.ExpectedVersion, Is.Zero);
        Assert.That(pending.Version, Is.EqualTo(2));
        Assert.That(pending.Events, Is.EqualTo(commit.Events));
        Assert.That(pending.Snapshot, Is.EqualTo(commit.Snapshot));
        Assert.That(pending.CommittedAt, Is.EqualTo(commit.CommittedAt));
    }

    [Test]
    public async Task Marking_published_twice_or_marking_an_unknown_commit_changes_nothing()
    {
        var store = CreateStore();
        var window = NewPastWindow();
        var stream = NewOrgStream();
        var commits = await AppendAsync(store, stream, [2, 1], window);

        await store.MarkPublishedAsync(stream, 2, CancellationToken.None);
        await store.MarkPublishedAsync(stream, 2, CancellationToken.None);
        await store.MarkPublishedAsync(stream, 1, CancellationToken.None);
        await store.MarkPublishedAsync(stream, 9, CancellationToken.None);
        await store.MarkPublishedAsync(NewOrgStream(), 1, CancellationToken.None);

        var pending = await store.ReadPendingAsync(window.AddDays(1), 10, CancellationToken.None);
        Assert.That(pending, Is.EqualTo(commits.Skip(1)).Using<Commit>(SameCommit));
        Assert.That((await ReadAllAsync(store, stream)).Select(e => e.Version), Is.EqualTo(new long[] { 1, 2, 3 }));
    }

    [Test]
    public async Task Every_stream_is_listed_exactly_once()
    {
        var store = CreateStore();
        var streams = Enumerable.Range(0, 5).Select(_ => NewOrgStream()).ToArray();
        foreach (var stream in streams)
        {
            await AppendAsync(store, stream, [1, 2, 1]);
        }

        var listed = new List<string>();
        await foreach (var stream in store.ListStreamsAsync(CancellationToken.None))
        {
            listed.Add(stream);
        }

        Assert.That(listed, Is.Unique);
        Assert.That(listed, Is.SupersetOf(streams));
    }

    [Test]
    public async Task Parallel_writers_on_one_stream_lose_nothing_and_win_each_version_once()
    {
        const int writers = 16;
        const int commitsPerWriter = 3;
        var store = CreateStore();
        var stream = NewOrgStream();
        var winners = new ConcurrentDictionary<long, int>();
        var won = new ConcurrentBag<Commit>();
        var lost = new ConcurrentBag<Commit>();
        // Released together (without blocking pool threads, which a 2-core pool hands out slowly).
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        async Task WriteAsync(int writer)
        {
            await start.Task;
            for (var i = 0; i < commitsPerWriter; i++)
            {
                for (var attempt = 1; ; attempt++)
                {
                    Assert.That(attempt, Is.LessThan(1_000), "a writer never got its turn");
                    var loaded = await store.LoadAsync<OrgState>(stream, CancellationToken.None);
                    // Writers of different commit sizes race for the same expected version.
                    var commit = OrgCommit(stream, loaded.Version, loaded.State, events: writer % 3 + 1);
                    if (await store.TryAppendAsync(commit, CancellationToken.None))
                    {
                        winners.AddOrUpdate(commit.ExpectedVersion, 1, (_, n) => n + 1);
                        won.Add(commit);
                        break;
                    }

                    lost.Add(commit);
                }
            }
        }

        var running = Enumerable.Range(0, writers).Select(w => Task.Run(() => WriteAsync(w))).ToArray();
        start.SetResult();
        await Task.WhenAll(running);

        TestContext.Out.WriteLine($"{won.Count} commits won, {lost.Count} lost a race");
        var stored = await ReadAllAsync(store, stream);
        var expectedEvents = won.SelectMany(c => c.Events).Select(e => e.EventId).ToHashSet();
        Assert.That(won, Has.Count.EqualTo(writers * commitsPerWriter));
        Assert.That(winners.Values, Is.All.EqualTo(1), "one winner per expected version");
        Assert.That(stored.Select(e => e.Version), Is.EqualTo(Enumerable.Range(1, stored.Count).Select(v => (long)v)), "contiguous");
        Assert.That(stored.Select(e => e.EventId), Is.EquivalentTo(expectedEvents), "every winner's events, nothing else");
        Assert.That(lost.SelectMany(c => c.Events).Select(e => e.EventId), Has.None.AnyOf(expectedEvents.Cast<object>().ToArray()));

        var loaded = await store.LoadAsync<OrgState>(stream, CancellationToken.None);
        Assert.That(loaded.Version, Is.EqualTo(stored.Count));
        Assert.That(loaded.State, Is.EqualTo(OrgState.Initial.Fold(stored.Select(e => e.Data))));
    }

    private static bool SameCommit(Commit a, Commit b) =>
        a.StreamId == b.StreamId
        && a.ExpectedVersion == b.ExpectedVersion
        && a.Events.SequenceEqual(b.Events)
        && Equals(a.Snapshot, b.Snapshot)
        && a.CommittedAt == b.CommittedAt;
}
