using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using CleanCqrs.Application.Common.EventSourcing;
using CleanCqrs.Domain.Orgs;
using CleanCqrs.Infrastructure.DynamoDb;
using static CleanCqrs.Infrastructure.Tests.DynamoDb.TestCommits;

namespace CleanCqrs.Infrastructure.Tests.DynamoDb;

/// <summary>How the DynamoDB event store lays out its items, looked at through the raw client.</summary>
[TestFixture]
public sealed class DynamoDbEventItemTests
{
    private static IAmazonDynamoDB Client => DynamoDbTestServer.Client;
    private DynamoDbTableNames _tables = null!;
    private DynamoDbEventStore _store = null!;

    [OneTimeSetUp]
    public async Task ProvisionAsync()
    {
        _tables = await DynamoDbTestServer.ProvisionFreshTablesAsync(Client);
        _store = new DynamoDbEventStore(Client, _tables);
    }

    [Test]
    public async Task A_commit_is_keyed_by_its_first_event_version_and_records_the_version_after_it()
    {
        var stream = NewOrgStream();
        await AppendAsync(_store, stream, [1, 3]);

        var item = await GetItemAsync(stream, seq: 2);

        Assert.That(item, Is.Not.Null);
        Assert.That(item![EventsTable.Version].N, Is.EqualTo("4"));
        Assert.That(item[EventsTable.Events].L, Has.Count.EqualTo(3));
        Assert.That(item[EventsTable.SnapshotType].S, Is.EqualTo(OrgState.SnapshotName));
        Assert.That(item[EventsTable.PendingShard].S, Is.EqualTo(OutboxShards.Default.KeyOf(stream)));
        Assert.That(item.Keys, Has.No.Member(EventsTable.LegacyPending), "new commits stay out of the legacy one-partition index");
        Assert.That(await GetItemAsync(stream, seq: 4), Is.Null);
    }

    [Test]
    public async Task Marking_published_removes_the_pending_attributes()
    {
        var stream = NewOrgStream();
        await AppendAsync(_store, stream, [2]);

        await _store.MarkPublishedAsync(stream, 2, CancellationToken.None);

        var item = await GetItemAsync(stream, seq: 1);
        Assert.That(item!.Keys, Has.No.Member(EventsTable.PendingShard).And.No.Member(EventsTable.PendingSince));
    }

    [Test]
    public async Task Marking_an_unknown_commit_creates_no_item()
    {
        var stream = NewOrgStream();

        await _store.MarkPublishedAsync(stream, 1, CancellationToken.None);

        Assert.That(await GetItemAsync(stream, seq: 1), Is.Null);
    }

    [Test]
    public async Task A_snapshot_of_a_type_this_build_does_not_read_is_rebuilt_from_the_events()
    {
        var stream = NewOrgStream();
        var commits = await AppendAsync(_store, stream, [1, 2]);
        await Client.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = _tables.Events,
            Key = Key(stream, seq: 2),
            UpdateExpression = "SET #type = :old, #snapshot = :json",
            ExpressionAttributeNames = new() { ["#type"] = EventsTable.SnapshotType, ["#snapshot"] = EventsTable.Snapshot },
            ExpressionAttributeValues = new()
            {
                [":old"] = new AttributeValue { S = "OrgState.v0" },
                [":json"] = new AttributeValue { S = "{\"shape\":\"of an older build\"}" },
            },
        });

        var loaded = await _store.LoadAsync<OrgState>(stream, CancellationToken.None);

        Assert.That(loaded.Version, Is.EqualTo(3));
        Assert.That(loaded.State, Is.EqualTo(commits[^1].Snapshot));
    }

    [Test]
    public async Task A_commit_over_the_400_KB_item_limit_is_refused_before_it_is_sent()
    {
        var stream = NewOrgStream();
        var huge = new string('é', 210 * 1024);
        var created = new OrgCreated(stream[4..], "Acme", "Jakarta", huge, Now);
        var commit = new Commit(
            stream, 0, [new StoredEvent(Guid.NewGuid(), stream, 1, created, Now, EventMetadata.Empty)], OrgState.Initial.Apply(created), Now);

        var thrown = Assert.ThrowsAsync<DynamoDbItemTooLargeException>(async () => await _store.TryAppendAsync(commit, CancellationToken.None));

        Assert.That(thrown!.Message, Does.Contain(stream).And.Contain("400 KB"));
        Assert.That(thrown.Size, Is.GreaterThan(thrown.Limit));
        Assert.That((await _store.LoadAsync<OrgState>(stream, CancellationToken.None)).Version, Is.Zero);
    }

    [Test]
    public void A_commit_whose_events_do_not_follow_the_expected_version_is_a_programming_error()
    {
        var stream = NewOrgStream();
        var commit = OrgCommit(stream, 0, OrgState.Initial, events: 2);
        var gap = commit with { Events = [commit.Events[0], commit.Events[1] with { Version = 3 }] };

        Assert.ThrowsAsync<ArgumentException>(async () => await _store.TryAppendAsync(gap, CancellationToken.None));
        Assert.ThrowsAsync<ArgumentException>(async () => await _store.TryAppendAsync(commit with { Events = [] }, CancellationToken.None));
    }

    private async Task<Dictionary<string, AttributeValue>?> GetItemAsync(string stream, long seq)
    {
        var response = await Client.GetItemAsync(new GetItemRequest { TableName = _tables.Events, Key = Key(stream, seq), ConsistentRead = true });
        return response.Item is { Count: > 0 } item ? item : null;
    }

    private static Dictionary<string, AttributeValue> Key(string stream, long seq) => new()
    {
        [EventsTable.StreamId] = new AttributeValue { S = stream },
        [EventsTable.Seq] = new AttributeValue { N = seq.ToString(System.Globalization.CultureInfo.InvariantCulture) },
    };
}
