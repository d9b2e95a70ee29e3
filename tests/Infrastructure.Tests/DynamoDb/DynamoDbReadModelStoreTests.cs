using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Application.Orgs.Projections;
using CleanCqrs.Infrastructure.DynamoDb;

namespace CleanCqrs.Infrastructure.Tests.DynamoDb;

/// <summary>The read-model store on DynamoDB (dynalite). Tests that clear the collection get tables of their own.</summary>
[TestFixture]
public sealed class DynamoDbReadModelStoreTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 9, 30, 0, TimeSpan.Zero);

    private static IAmazonDynamoDB Client => DynamoDbTestServer.Client;
    private DynamoDbTableNames _tables = null!;

    [OneTimeSetUp]
    public async Task ProvisionAsync()
    {
        _tables = await DynamoDbTestServer.ProvisionFreshTablesAsync(Client);
    }

    private IReadModelStore<OrgReadModel> CreateStore() => CreateStore(_tables);

    /// <summary>Scan pages of three items, so clearing crosses pages.</summary>
    private IReadModelStore<OrgReadModel> CreateStore(DynamoDbTableNames names) =>
        new DynamoDbReadModelStore<OrgReadModel>(Client, names, pageSize: 3);

    private static OrgReadModel Model(string id, long version, string? description = null) =>
        new(id, $"Acme {version}", "Jakarta", description, version, Now.AddMinutes(version));

    [Test]
    public async Task A_model_never_stored_reads_as_null()
    {
        Assert.That(await CreateStore().GetAsync(Guid.NewGuid().ToString("N"), CancellationToken.None), Is.Null);
    }

    [Test]
    public async Task A_new_model_is_stored_only_when_none_exists()
    {
        var store = CreateStore();
        var id = Guid.NewGuid().ToString("N");

        Assert.That(await store.TryPutAsync(Model(id, 1, "first\nline"), 0, CancellationToken.None), Is.True);
        Assert.That(await store.TryPutAsync(Model(id, 1, "second"), 0, CancellationToken.None), Is.False);

        Assert.That(await store.GetAsync(id, CancellationToken.None), Is.EqualTo(Model(id, 1, "first\nline")));
    }

    [Test]
    public async Task A_model_is_replaced_only_from_the_version_it_was_computed_from()
    {
        var store = CreateStore();
        var id = Guid.NewGuid().ToString("N");
        await store.TryPutAsync(Model(id, 1), 0, CancellationToken.None);

        Assert.That(await store.TryPutAsync(Model(id, 3), 1, CancellationToken.None), Is.True);
        Assert.That(await store.TryPutAsync(Model(id, 4, "stale"), 1, CancellationToken.None), Is.False);
        Assert.That(await store.TryPutAsync(Model(id, 4, "ahead"), 2, CancellationToken.None), Is.False);

        Assert.That(await store.GetAsync(id, CancellationToken.None), Is.EqualTo(Model(id, 3)));
    }

    [Test]
    public async Task A_put_at_a_version_on_a_missing_model_is_refused()
    {
        var store = CreateStore();
        var id = Guid.NewGuid().ToString("N");

        Assert.That(await store.TryPutAsync(Model(id, 2), 1, CancellationToken.None), Is.False);
        Assert.That(await store.GetAsync(id, CancellationToken.None), Is.Null);
    }

    [TestCase(3)]
    [TestCase(31)]
    public async Task Clearing_removes_every_model_of_the_type(int count)
    {
        var names = await DynamoDbTestServer.ProvisionFreshTablesAsync(Client);
        var store = CreateStore(names);
        var ids = Enumerable.Range(0, count).Select(i => $"org{i}").ToArray();
        foreach (var id in ids)
        {
            await store.TryPutAsync(Model(id, 1), 0, CancellationToken.None);
        }

        await store.ClearAsync(CancellationToken.None);

        foreach (var id in ids)
        {
            Assert.That(await store.GetAsync(id, CancellationToken.None), Is.Null, id);
        }

        Assert.That(await store.TryPutAsync(Model(ids[0], 1), 0, CancellationToken.None), Is.True, "a cleared model can be stored afresh");
    }

    [Test]
    public async Task Clearing_leaves_other_collections_in_the_table_alone()
    {
        var names = await DynamoDbTestServer.ProvisionFreshTablesAsync(Client);
        var other = new Dictionary<string, AttributeValue>
        {
            [ReadModelsTable.Pk] = new() { S = ReadModelsTable.Key("workers", "w1") },
            [ReadModelsTable.Version] = new() { N = "1" },
            [ReadModelsTable.Body] = new() { S = "{}" },
        };
        await Client.PutItemAsync(new PutItemRequest { TableName = names.ReadModels, Item = other });
        var store = new DynamoDbReadModelStore<OrgReadModel>(Client, names);
        await store.TryPutAsync(Model("o1", 1), 0, CancellationToken.None);

        await store.ClearAsync(CancellationToken.None);

        var left = await Client.ScanAsync(new ScanRequest { TableName = names.ReadModels, ConsistentRead = true });
        Assert.That(left.Items.Select(i => i[ReadModelsTable.Pk].S), Is.EqualTo(new[] { "workers#w1" }));
    }

    [Test]
    public async Task Clearing_an_empty_collection_does_nothing()
    {
        var names = await DynamoDbTestServer.ProvisionFreshTablesAsync(Client);

        Assert.DoesNotThrowAsync(async () => await CreateStore(names).ClearAsync(CancellationToken.None));
    }
}
