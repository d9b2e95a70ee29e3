using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using CleanCqrs.Infrastructure.DynamoDb;

namespace CleanCqrs.Infrastructure.Tests.DynamoDb;

[TestFixture]
public sealed class DynamoDbProvisionerTests
{
    private static IAmazonDynamoDB Client => DynamoDbTestServer.Client;

    [Test]
    public async Task Provisioning_creates_active_tables_and_running_it_again_changes_nothing()
    {
        var names = DynamoDbTestServer.UniqueTableNames();

        await DynamoDbProvisioner.EnsureTablesAsync(Client, names, CancellationToken.None);
        var created = await DescribeAsync(names.Events);
        await DynamoDbProvisioner.EnsureTablesAsync(Client, names, CancellationToken.None);
        var again = await DescribeAsync(names.Events);

        Assert.That(created.TableStatus, Is.EqualTo(TableStatus.ACTIVE));
        Assert.That(again.CreationDateTime, Is.EqualTo(created.CreationDateTime));
        Assert.That((await DescribeAsync(names.ReadModels)).TableStatus, Is.EqualTo(TableStatus.ACTIVE));
    }

    [Test]
    public async Task The_events_table_has_the_stream_key_and_the_sparse_keys_only_outbox_index()
    {
        var names = DynamoDbTestServer.UniqueTableNames();
        await DynamoDbProvisioner.EnsureTablesAsync(Client, names, CancellationToken.None);

        var events = await DescribeAsync(names.Events);
        var readModels = await DescribeAsync(names.ReadModels);

        Assert.That(events.KeySchema.Select(k => $"{k.AttributeName}:{k.KeyType}"), Is.EqualTo(new[] { "streamId:HASH", "seq:RANGE" }));
        var index = events.GlobalSecondaryIndexes.Single();
        Assert.That(index.IndexName, Is.EqualTo("outbox-index"));
        Assert.That(index.KeySchema.Select(k => $"{k.AttributeName}:{k.KeyType}"), Is.EqualTo(new[] { "pendingShard:HASH", "pendingSince:RANGE" }));
        Assert.That(index.Projection.ProjectionType, Is.EqualTo(ProjectionType.KEYS_ONLY), "an index write costs one unit whatever the commit's size");
        Assert.That(index.IndexStatus, Is.EqualTo(IndexStatus.ACTIVE));
        Assert.That(readModels.KeySchema.Select(k => $"{k.AttributeName}:{k.KeyType}"), Is.EqualTo(new[] { "pk:HASH" }));
    }

    [Test]
    public void Every_table_is_billed_per_request()
    {
        var definitions = TableDefinitions.All(DynamoDbTableNames.Default);

        Assert.That(definitions.Select(d => d.TableName), Is.EqualTo(new[] { "cleancqrs-events", "cleancqrs-read-models", "cleancqrs-guards" }));
        Assert.That(definitions.Select(d => d.BillingMode), Is.All.EqualTo(BillingMode.PAY_PER_REQUEST));
    }

    [Test]
    public async Task An_existing_table_with_other_keys_is_reported_by_name()
    {
        var names = DynamoDbTestServer.UniqueTableNames();
        await Client.CreateTableAsync(new CreateTableRequest
        {
            TableName = names.Events,
            BillingMode = BillingMode.PAY_PER_REQUEST,
            KeySchema = [new KeySchemaElement("id", KeyType.HASH)],
            AttributeDefinitions = [new AttributeDefinition("id", ScalarAttributeType.S)],
        });

        var thrown = Assert.ThrowsAsync<InvalidOperationException>(
            async () => await DynamoDbProvisioner.EnsureTablesAsync(Client, names, CancellationToken.None));

        Assert.That(thrown!.Message, Does.Contain(names.Events).And.Contain("outbox-index"));
    }

    [Test]
    public async Task A_table_without_the_outbox_index_on_an_endpoint_that_cannot_add_one_is_reported_without_waiting()
    {
        // dynalite accepts UpdateTable with a new index and ignores it; real DynamoDB builds it.
        var names = DynamoDbTestServer.UniqueTableNames();
        var legacy = EventsTable.Definition(names.Events);
        legacy.AttributeDefinitions = [.. legacy.AttributeDefinitions.Where(a => a.AttributeName != EventsTable.PendingShard),
            new AttributeDefinition(EventsTable.LegacyPending, ScalarAttributeType.S)];
        legacy.GlobalSecondaryIndexes = [EventsTable.LegacyIndex()];
        await Client.CreateTableAsync(legacy);

        // Cancelled (a different exception) if it waited for the index instead of saying so.
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var thrown = Assert.ThrowsAsync<InvalidOperationException>(
            async () => await DynamoDbProvisioner.EnsureTablesAsync(Client, names, deadline.Token));

        Assert.That(thrown!.Message, Does.Contain(names.Events).And.Contain("outbox-index").And.Contain("did not add it"));
    }

    private async Task<TableDescription> DescribeAsync(string table) =>
        (await Client.DescribeTableAsync(new DescribeTableRequest { TableName = table })).Table;
}
