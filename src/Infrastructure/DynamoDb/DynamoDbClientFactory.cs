using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using CleanCqrs.Infrastructure.Configuration;

namespace CleanCqrs.Infrastructure.DynamoDb;

/// <summary>
/// Builds the one DynamoDB client of the process from the standard AWS settings: <c>AWS_REGION</c>,
/// the endpoint overrides <c>AWS_ENDPOINT_URL_DYNAMODB</c> / <c>AWS_ENDPOINT_URL</c> (a local
/// DynamoDB-compatible server) and the SDK's default credential chain.
/// </summary>
public static class DynamoDbClientFactory
{
    public const string ServiceEndpointSetting = "AWS_ENDPOINT_URL_DYNAMODB";
    public const string EndpointSetting = AwsClientSettings.EndpointSetting;

    public static IAmazonDynamoDB Create(Func<string, string?>? read = null)
    {
        var settings = Resolve(read);
        var config = Config(settings);
        return settings.Credentials is { } local ? new AmazonDynamoDBClient(local, config) : new AmazonDynamoDBClient(config);
    }

    /// <summary>
    /// Sends the requests a first command makes (<c>Query</c>, <c>PutItem</c>, <c>UpdateItem</c>,
    /// <c>GetItem</c>) through an <see cref="AwsDryRun"/> client configured like <see cref="Create"/>'s:
    /// the SDK's per-operation first-call work at init, no request on the network.
    /// </summary>
    public static async Task WarmAsync(DynamoDbTableNames names, Func<string, string?>? read = null)
    {
        ArgumentNullException.ThrowIfNull(names);
        using var client = new AmazonDynamoDBClient(AwsDryRun.Credentials, AwsDryRun.Configure(Config(Resolve(read))));
        Dictionary<string, AttributeValue> key = new() { ["pk"] = new AttributeValue("dry-run"), ["sk"] = new AttributeValue { N = "0" } };
        await AwsDryRun.RunAsync(
            () => client.QueryAsync(new QueryRequest
            {
                TableName = names.Events,
                KeyConditionExpression = "pk = :pk",
                ExpressionAttributeValues = new() { [":pk"] = new AttributeValue("dry-run") },
            }),
            () => client.PutItemAsync(new PutItemRequest { TableName = names.Events, Item = key }),
            () => client.UpdateItemAsync(new UpdateItemRequest
            {
                TableName = names.Events,
                Key = key,
                UpdateExpression = "REMOVE pendingShard",
            }),
            () => client.GetItemAsync(new GetItemRequest { TableName = names.ReadModels, Key = key, ConsistentRead = true }));
    }

    private static AmazonDynamoDBConfig Config(AwsClientSettings settings)
    {
        var config = new AmazonDynamoDBConfig();
        settings.ApplyTo(config);
        return config;
    }

    /// <summary>What <see cref="Create"/> builds the client from; throws <see cref="SettingsException"/> for a malformed endpoint.</summary>
    public static AwsClientSettings Resolve(Func<string, string?>? read) =>
        AwsClientSettings.Resolve(new SettingsReader(read), ServiceEndpointSetting);
}
