using Amazon.DynamoDBv2;
using CleanCqrs.Infrastructure.DynamoDb;

using CleanCqrs.TestSupport;

namespace CleanCqrs.Infrastructure.Tests.DynamoDb;

/// <summary>
/// One dynalite for every fixture in this namespace (starting one takes about a second); each fixture
/// provisions its own tables under a unique suffix so fixtures never see each other's items.
/// </summary>
[SetUpFixture]
public sealed class DynamoDbTestServer
{
    private static DynaliteServer? _server;
    private static IAmazonDynamoDB? _client;

    public static Uri Endpoint => (_server ?? throw new InvalidOperationException("dynalite was not started.")).Endpoint;

    /// <summary>One client for every fixture (the SDK's clients are thread-safe), built by <see cref="CreateClient"/>.</summary>
    public static IAmazonDynamoDB Client => _client ?? throw new InvalidOperationException("dynalite was not started.");

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _server = await DynaliteServer.StartAsync();
        _client = CreateClient();
    }

    [OneTimeTearDown]
    public void Stop()
    {
        _client?.Dispose();
        _client = null;
        _server?.Dispose();
        _server = null;
    }

    /// <summary>A client built the way the service builds it, pointed at dynalite through the standard override.</summary>
    public static IAmazonDynamoDB CreateClient() => DynamoDbClientFactory.Create(setting => setting switch
    {
        DynamoDbClientFactory.ServiceEndpointSetting => Endpoint.AbsoluteUri,
        "AWS_SHARED_CREDENTIALS_FILE" => "/nonexistent/credentials",
        _ => null,
    });

    public static DynamoDbTableNames UniqueTableNames()
    {
        var suffix = Guid.NewGuid().ToString("N")[..12];
        return new DynamoDbTableNames($"test-events-{suffix}", $"test-read-models-{suffix}", $"test-guards-{suffix}");
    }

    /// <summary>Fresh, provisioned tables for one fixture.</summary>
    public static async Task<DynamoDbTableNames> ProvisionFreshTablesAsync(IAmazonDynamoDB client)
    {
        var names = UniqueTableNames();
        await DynamoDbProvisioner.EnsureTablesAsync(client, names, CancellationToken.None);
        return names;
    }
}
