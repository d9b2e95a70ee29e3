using Amazon.DynamoDBv2;
using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Application.Orgs.Projections;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CleanCqrs.Infrastructure.DynamoDb;

public static class DynamoDbServiceCollectionExtensions
{
    /// <summary>
    /// Registers the DynamoDB event store and read-model stores on the tables <paramref name="names"/>,
    /// and one <see cref="IAmazonDynamoDB"/> client per process (from <see cref="DynamoDbClientFactory"/>,
    /// unless one is registered already).
    /// </summary>
    /// <param name="environment">
    /// Where the client's settings and <c>OUTBOX_SHARDS</c> are read (default: the process environment);
    /// a malformed <c>OUTBOX_SHARDS</c> fails here, at start.
    /// </param>
    public static IServiceCollection AddDynamoDbStore(
        this IServiceCollection services, DynamoDbTableNames names, Func<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(names);
        var shards = OutboxShards.FromEnvironment(environment);
        services.AddSingleton(names);
        services.AddSingleton(shards);
        services.TryAddSingleton<IAmazonDynamoDB>(_ => DynamoDbClientFactory.Create(environment));
        services.AddSingleton<IEventStore>(sp => new DynamoDbEventStore(sp.GetRequiredService<IAmazonDynamoDB>(), names, shards));
        // One line per read model type: closed registrations, no open generics to instantiate at run time (AOT).
        services.AddSingleton<IReadModelStore<OrgReadModel>>(
            sp => new DynamoDbReadModelStore<OrgReadModel>(sp.GetRequiredService<IAmazonDynamoDB>(), names));
        services.AddSingleton<IRateLimiter>(sp => new DynamoDbRateLimiter(sp.GetRequiredService<IAmazonDynamoDB>(), names));
        services.AddSingleton<IIdempotencyStore>(sp => new DynamoDbIdempotencyStore(sp.GetRequiredService<IAmazonDynamoDB>(), names));
        services.AddSingleton<IEffectClaims>(sp => new DynamoDbEffectClaims(sp.GetRequiredService<IAmazonDynamoDB>(), names));
        return services;
    }
}
