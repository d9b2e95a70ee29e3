using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using CleanCqrs.Application.Common.EventSourcing;
using CleanCqrs.Application.Common.Metrics;
using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Application.Outbox;
using CleanCqrs.Domain.Orgs;
using CleanCqrs.Infrastructure.DynamoDb;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using static CleanCqrs.Infrastructure.Tests.DynamoDb.TestCommits;

namespace CleanCqrs.Infrastructure.Tests.DynamoDb;

/// <summary>The sharded outbox backlog on DynamoDB (dynalite): every shard swept, and commits of older builds drained.</summary>
[TestFixture]
public sealed class DynamoDbOutboxTests
{
    private static IAmazonDynamoDB Client => DynamoDbTestServer.Client;

    [Test]
    public async Task Pending_commits_on_every_shard_come_back_oldest_first_across_shards()
    {
        var tables = await DynamoDbTestServer.ProvisionFreshTablesAsync(Client);
        var store = new DynamoDbEventStore(Client, tables, pageSize: 2, new OutboxShards(16));
        var window = NewPastWindow();
        var streams = StreamsCoveringEveryShard(new OutboxShards(16));
        var commits = new List<Commit>();
        for (var i = 0; i < streams.Count; i++)
        {
            // Stored newest first: the order read back comes from the commit times, not from the writes.
            commits.AddRange(await AppendAsync(store, streams[i], [1], window.AddSeconds(streams.Count - i)));
        }

        var oldestFirst = commits.OrderBy(c => c.CommittedAt).ToList();

        Assert.That(await store.ReadPendingAsync(window.AddDays(1), 1000, CancellationToken.None),
            Is.EqualTo(oldestFirst).Using<Commit>(SameCommit));
        Assert.That(await store.ReadPendingAsync(window.AddDays(1), 5, CancellationToken.None),
            Is.EqualTo(oldestFirst.Take(5)).Using<Commit>(SameCommit), "the oldest five of all shards, not five of one");
    }

    [Test]
    public async Task Commits_left_on_shards_beyond_a_lowered_setting_are_still_found()
    {
        var tables = await DynamoDbTestServer.ProvisionFreshTablesAsync(Client);
        var wide = new DynamoDbEventStore(Client, tables, new OutboxShards(16));
        var window = NewPastWindow();
        var streams = StreamsCoveringEveryShard(new OutboxShards(16)).Where(s => new OutboxShards(16).Of(s) >= 4).ToList();
        var stored = new List<Commit>();
        foreach (var stream in streams)
        {
            stored.AddRange(await AppendAsync(wide, stream, [1], window));
        }

        // The setting lowered to 4: shards 4..15 are no longer swept every time, but in rotation.
        var narrow = new DynamoDbEventStore(Client, tables, new OutboxShards(4));
        var found = new HashSet<string>(StringComparer.Ordinal);
        for (var sweep = 0; sweep < OutboxShards.MaxCount - 4 && found.Count < stored.Count; sweep++)
        {
            foreach (var commit in await narrow.ReadPendingAsync(window.AddDays(1), 1000, CancellationToken.None))
            {
                found.Add(commit.StreamId);
            }
        }

        Assert.That(found, Is.EquivalentTo(streams), $"found within {OutboxShards.MaxCount - 4} sweeps");
    }

    [Test]
    public async Task Commits_stored_before_the_shards_are_drained_from_the_legacy_index_in_order_with_newer_ones()
    {
        var tables = DynamoDbTestServer.UniqueTableNames();
        await CreateUpgradedTableAsync(tables);
        var store = new DynamoDbEventStore(Client, tables, pageSize: 2, new OutboxShards(16));
        var window = NewPastWindow();
        var stream = NewOrgStream();
        var other = NewOrgStream();

        // Two commits written by the build before the shards (pending = "1"), then one by this build.
        var first = OrgCommit(stream, 0, OrgState.Initial, at: window);
        await PutLegacyAsync(tables, first);
        var second = OrgCommit(stream, 1, (OrgState)first.Snapshot, at: window.AddSeconds(1));
        await PutLegacyAsync(tables, second);
        var otherLegacy = OrgCommit(other, 0, OrgState.Initial, at: window.AddSeconds(2));
        await PutLegacyAsync(tables, otherLegacy);
        var loaded = await store.LoadAsync<OrgState>(stream, CancellationToken.None);
        Assert.That(loaded.Version, Is.EqualTo(2), "the old items load as before");
        var third = OrgCommit(stream, 2, loaded.State, at: window.AddSeconds(3));
        Assert.That(await store.TryAppendAsync(third, CancellationToken.None), Is.True);

        Assert.That(await store.ReadPendingAsync(window.AddDays(1), 100, CancellationToken.None),
            Is.EqualTo(new[] { first, second, otherLegacy, third }).Using<Commit>(SameCommit));

        var published = new List<(string Stream, long Version)>();
        var publisher = new RecordingPublisher(published);
        var clock = new FakeTimeProvider(window.AddDays(2));
        var sweep = new SweepOutboxHandler(store, new OutboxRelay(store, publisher, NullLogger<OutboxRelay>.Instance, NullMetrics.Instance), clock, NullMetrics.Instance);
        var result = await sweep.Handle(new SweepOutbox(TimeSpan.FromDays(1)), CancellationToken.None);

        Assert.That(result, Is.EqualTo(new SweepResult(4, 0)));
        Assert.That(published.Where(p => p.Stream == stream).Select(p => p.Version), Is.EqualTo(new long[] { 1, 2, 3 }), "per-stream order");
        Assert.That(await store.ReadPendingAsync(window.AddDays(1), 100, CancellationToken.None), Is.Empty, "nothing left pending");
        Assert.That(await CountLegacyBacklogAsync(tables), Is.Zero, "the legacy index is empty and can be removed");
        Assert.That((await sweep.Handle(new SweepOutbox(TimeSpan.FromDays(1)), CancellationToken.None)).Published, Is.Zero, "drained once");
    }

    [Test]
    public async Task A_legacy_commit_published_by_its_own_request_leaves_the_legacy_index()
    {
        var tables = DynamoDbTestServer.UniqueTableNames();
        await CreateUpgradedTableAsync(tables);
        var store = new DynamoDbEventStore(Client, tables, new OutboxShards(16));
        var window = NewPastWindow();
        var commit = OrgCommit(NewOrgStream(), 0, OrgState.Initial, at: window);
        await PutLegacyAsync(tables, commit);

        await store.MarkPublishedAsync(commit.StreamId, commit.Version, CancellationToken.None);

        Assert.That(await CountLegacyBacklogAsync(tables), Is.Zero);
        Assert.That(await store.ReadPendingAsync(window.AddDays(1), 100, CancellationToken.None), Is.Empty);
    }

    /// <summary>At least one stream per shard, a few more on some, in a fixed order.</summary>
    private static List<string> StreamsCoveringEveryShard(OutboxShards shards)
    {
        var streams = new List<string>();
        var covered = new HashSet<int>();
        while (covered.Count < shards.Count || streams.Count < 2 * shards.Count)
        {
            var stream = NewOrgStream();
            covered.Add(shards.Of(stream));
            streams.Add(stream);
        }

        return streams;
    }

    /// <summary>The events table of a stack upgraded from the build before the shards: the legacy index beside the new one.</summary>
    private async Task CreateUpgradedTableAsync(DynamoDbTableNames tables)
    {
        var definition = EventsTable.Definition(tables.Events);
        definition.AttributeDefinitions.Add(new AttributeDefinition(EventsTable.LegacyPending, ScalarAttributeType.S));
        definition.GlobalSecondaryIndexes.Add(EventsTable.LegacyIndex());
        await Client.CreateTableAsync(definition);
        await DynamoDbProvisioner.EnsureTablesAsync(Client, tables, CancellationToken.None);
    }

    /// <summary>The item exactly as the build before the shards wrote it.</summary>
    private async Task PutLegacyAsync(DynamoDbTableNames tables, Commit commit)
    {
        var item = CommitItems.ToItem(commit, "unused");
        item.Remove(EventsTable.PendingShard);
        item[EventsTable.LegacyPending] = new AttributeValue { S = EventsTable.LegacyPendingMarker };
        await Client.PutItemAsync(new PutItemRequest { TableName = tables.Events, Item = item });
    }

    private async Task<int> CountLegacyBacklogAsync(DynamoDbTableNames tables) =>
        (await Client.QueryAsync(new QueryRequest
        {
            TableName = tables.Events,
            IndexName = EventsTable.LegacyPendingIndex,
            KeyConditionExpression = "#p = :one",
            ExpressionAttributeNames = new() { ["#p"] = EventsTable.LegacyPending },
            ExpressionAttributeValues = new() { [":one"] = new AttributeValue { S = EventsTable.LegacyPendingMarker } },
            Select = Select.COUNT,
        })).Count ?? 0;

    private static bool SameCommit(Commit a, Commit b) =>
        a.StreamId == b.StreamId && a.ExpectedVersion == b.ExpectedVersion && a.Events.SequenceEqual(b.Events)
        && Equals(a.Snapshot, b.Snapshot) && a.CommittedAt == b.CommittedAt;

    private sealed class RecordingPublisher(List<(string Stream, long Version)> published) : ICommitPublisher
    {
        public ValueTask PublishAsync(Commit commit, CancellationToken cancellationToken)
        {
            published.Add((commit.StreamId, commit.Version));
            return ValueTask.CompletedTask;
        }
    }
}
