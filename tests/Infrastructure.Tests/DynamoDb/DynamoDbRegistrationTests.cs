using Amazon.DynamoDBv2;
using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Application.Orgs.Projections;
using CleanCqrs.Infrastructure.DynamoDb;
using Microsoft.Extensions.DependencyInjection;

namespace CleanCqrs.Infrastructure.Tests.DynamoDb;

[TestFixture]
public sealed class DynamoDbRegistrationTests
{
    [Test]
    public async Task The_stores_share_one_client_and_use_the_given_tables()
    {
        var client = DynamoDbTestServer.CreateClient();
        var names = await DynamoDbTestServer.ProvisionFreshTablesAsync(client);
        var services = new ServiceCollection();
        services.AddSingleton(client);

        services.AddDynamoDbStore(names);
        await using var provider = services.BuildServiceProvider();

        Assert.That(provider.GetRequiredService<IAmazonDynamoDB>(), Is.SameAs(client));
        Assert.That(provider.GetRequiredService<DynamoDbTableNames>(), Is.SameAs(names));
        var store = provider.GetRequiredService<IEventStore>();
        Assert.That(store, Is.InstanceOf<DynamoDbEventStore>());
        Assert.That(provider.GetRequiredService<IEventStore>(), Is.SameAs(store));
        var models = provider.GetRequiredService<IReadModelStore<OrgReadModel>>();
        Assert.That(await models.TryPutAsync(new OrgReadModel("o1", "Acme", "Jakarta", null, 1, DateTimeOffset.UnixEpoch), 0, CancellationToken.None), Is.True);
    }
}
