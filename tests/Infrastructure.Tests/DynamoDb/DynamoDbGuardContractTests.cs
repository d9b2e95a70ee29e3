using Amazon.DynamoDBv2;
using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Infrastructure.DynamoDb;
using CleanCqrs.Infrastructure.Tests.Contracts;

namespace CleanCqrs.Infrastructure.Tests.DynamoDb;

// The guard contracts against dynalite, each fixture on fresh tables.

public sealed class DynamoDbRateLimiterContractTests : RateLimiterContract
{
    private static IAmazonDynamoDB Client => DynamoDbTestServer.Client;

    protected override async ValueTask<IRateLimiter> CreateAsync()
    {
        return new DynamoDbRateLimiter(Client, await DynamoDbTestServer.ProvisionFreshTablesAsync(Client));
    }

    [Test]
    public void A_hot_limit_is_split_into_shards_whose_places_add_up_to_it()
    {
        var limit = new RateLimit("budget", 500, TimeSpan.FromHours(1), "budget", Hot: true);
        var shards = DynamoDbRateLimiter.ShardsOf([limit]);

        Assert.That(shards, Is.EqualTo(8));
        Assert.That(Enumerable.Range(0, shards).Sum(s => DynamoDbRateLimiter.ShareOf(500, s, shards)), Is.EqualTo(500));
        Assert.That(Enumerable.Range(0, shards).Max(s => DynamoDbRateLimiter.ShareOf(500, s, shards)), Is.LessThanOrEqualTo(DynamoDbRateLimiter.EntriesPerShard));
        Assert.That(DynamoDbRateLimiter.ShardsOf([limit with { Hot = false }]), Is.EqualTo(1));
    }
}

public sealed class DynamoDbIdempotencyStoreContractTests : IdempotencyStoreContract
{
    private static IAmazonDynamoDB Client => DynamoDbTestServer.Client;

    protected override async ValueTask<IIdempotencyStore> CreateAsync()
    {
        return new DynamoDbIdempotencyStore(Client, await DynamoDbTestServer.ProvisionFreshTablesAsync(Client));
    }
}

public sealed class DynamoDbEffectClaimsContractTests : EffectClaimsContract
{
    private static IAmazonDynamoDB Client => DynamoDbTestServer.Client;

    protected override async ValueTask<IEffectClaims> CreateAsync()
    {
        return new DynamoDbEffectClaims(Client, await DynamoDbTestServer.ProvisionFreshTablesAsync(Client));
    }
}
