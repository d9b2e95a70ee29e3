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
    private static IAmazonDynamoDB Client => DynamoDbTestServer.Client;

    protected override async ValueTask<IEventStore> CreateStoreAsync()
    {
        var tables = await DynamoDbTestServer.ProvisionFreshTablesAsync(Client);
        return new DynamoDbEventStore(Client, tables);
    }
}

[TestFixture]
public sealed class DynamoDbReadModelStoreContractTests : ReadModelStoreContract
{
    private static IAmazonDynamoDB Client => DynamoDbTestServer.Client;

    protected override async ValueTask<IReadModelStore<OrgReadModel>> CreateStoreAsync()
    {
        var tables = await DynamoDbTestServer.ProvisionFreshTablesAsync(Client);
        return new DynamoDbReadModelStore<OrgReadModel>(Client, tables);
    }
}
