using Amazon.DynamoDBv2;
using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Application.Orgs.Projections;
using CleanCqrs.Infrastructure.DynamoDb;
using CleanCqrs.Infrastructure.Tests.Contracts;

namespace CleanCqrs.Infrastructure.Tests.DynamoDb;

// The same contracts the SQLite stores pass, against dynalite: each test gets fresh tables.

[TestFixture]
public sealed class DynamoDbEventStoreContractTests : EventStoreContract
{
    private IAmazonDynamoDB client = null!;

    protected override async ValueTask<IEventStore> CreateStoreAsync()
    {
        client = DynamoDbTestServer.CreateClient();
        var tables = await DynamoDbTestServer.ProvisionFreshTablesAsync(client);
        return new DynamoDbEventStore(client, tables);
    }

    [TearDown]
    public void DisposeClient() => client.Dispose();
}

[TestFixture]
public sealed class DynamoDbReadModelStoreContractTests : ReadModelStoreContract
{
    private IAmazonDynamoDB client = null!;

    protected override async ValueTask<IReadModelStore<OrgReadModel>> CreateStoreAsync()
    {
        client = DynamoDbTestServer.CreateClient();
        var tables = await DynamoDbTestServer.ProvisionFreshTablesAsync(client);
        return new DynamoDbReadModelStore<OrgReadModel>(client, tables);
    }

    [TearDown]
    public void DisposeClient() => client.Dispose();
}
