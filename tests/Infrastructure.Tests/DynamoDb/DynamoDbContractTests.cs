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
    private IAmazonDynamoDB _client = null!;

    protected override async ValueTask<IEventStore> CreateStoreAsync()
    {
        _client = DynamoDbTestServer.CreateClient();
        var tables = await DynamoDbTestServer.ProvisionFreshTablesAsync(_client);
        return new DynamoDbEventStore(_client, tables);
    }

    [TearDown]
    public void DisposeClient() => _client.Dispose();
}

[TestFixture]
public sealed class DynamoDbReadModelStoreContractTests : ReadModelStoreContract
{
    private IAmazonDynamoDB _client = null!;

    protected override async ValueTask<IReadModelStore<OrgReadModel>> CreateStoreAsync()
    {
        _client = DynamoDbTestServer.CreateClient();
        var tables = await DynamoDbTestServer.ProvisionFreshTablesAsync(_client);
        return new DynamoDbReadModelStore<OrgReadModel>(_client, tables);
    }

    [TearDown]
    public void DisposeClient() => _client.Dispose();
}
