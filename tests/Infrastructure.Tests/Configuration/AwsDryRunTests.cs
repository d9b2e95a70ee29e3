using System.Net;
using System.Net.Sockets;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using CleanCqrs.Infrastructure.Configuration;
using CleanCqrs.Infrastructure.DynamoDb;
using CleanCqrs.Infrastructure.Security.Kms;

namespace CleanCqrs.Infrastructure.Tests.Configuration;

/// <summary>
/// The init-time dry run of the AWS clients: requests go through the SDK's whole pipeline and are
/// answered in memory, so the warm-up costs CPU at init and never a request on the network.
/// </summary>
public sealed class AwsDryRunTests
{
    [Test]
    public async Task A_dry_run_client_answers_every_operation_in_memory()
    {
        using var listener = Listen(out var endpoint);
        var config = new AmazonDynamoDBConfig { ServiceURL = endpoint.ToString(), AuthenticationRegion = "us-east-1" };
        using var client = new AmazonDynamoDBClient(AwsDryRun.Credentials, AwsDryRun.Configure(config));

        var query = await client.QueryAsync(new QueryRequest { TableName = "events", KeyConditionExpression = "pk = :pk",
            ExpressionAttributeValues = new() { [":pk"] = new AttributeValue("x") } });
        var put = await client.PutItemAsync(new PutItemRequest { TableName = "events", Item = new() { ["pk"] = new AttributeValue("x") } });

        Assert.That((query.HttpStatusCode, put.HttpStatusCode), Is.EqualTo((HttpStatusCode.OK, HttpStatusCode.OK)));
        Assert.That(listener.Pending(), Is.False, "a dry-run request reached the network");
    }

    [Test]
    public async Task The_DynamoDB_warm_up_sends_nothing_to_the_configured_endpoint()
    {
        using var listener = Listen(out var endpoint);
        var environment = new Dictionary<string, string?>
        {
            [DynamoDbClientFactory.ServiceEndpointSetting] = endpoint.ToString(),
            [AwsClientSettings.RegionSetting] = "eu-west-1",
        };

        await DynamoDbClientFactory.WarmAsync(new DynamoDbTableNames("events", "read-models", "guards"), n => environment.GetValueOrDefault(n));

        Assert.That(listener.Pending(), Is.False);
    }

    [Test]
    public async Task The_KMS_warm_up_sends_nothing_to_the_configured_endpoint()
    {
        using var listener = Listen(out var endpoint);
        var settings = new KmsSettings("alias/jwt", "alias/otp", endpoint, "eu-west-1", useLocalCredentials: true);

        await settings.WarmAsync();

        Assert.That(listener.Pending(), Is.False);
    }

    [Test]
    public void Without_the_dry_run_the_same_client_goes_to_the_network()
    {
        // The control for the tests above: the listener does see a request that is not dry-run.
        using var listener = Listen(out var endpoint);
        var config = new AmazonKeyManagementServiceConfig { ServiceURL = endpoint.ToString(), AuthenticationRegion = "us-east-1",
            MaxErrorRetry = 0, Timeout = TimeSpan.FromMilliseconds(300) };
        using var client = new AmazonKeyManagementServiceClient(AwsDryRun.Credentials, config);

        var sending = client.GetPublicKeyAsync(new GetPublicKeyRequest { KeyId = "alias/jwt" });

        Assert.That(() => listener.Pending(), Is.True.After(5000, 20));
        Assert.That(async () => await sending, Throws.Exception);
    }

    private static TcpListener Listen(out Uri endpoint)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        endpoint = new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}");
        return listener;
    }
}
