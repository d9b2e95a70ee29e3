using Amazon.DynamoDBv2;
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
        var config = new AmazonDynamoDBConfig();
        settings.ApplyTo(config);
        return settings.Credentials is { } local ? new AmazonDynamoDBClient(local, config) : new AmazonDynamoDBClient(config);
    }

    /// <summary>What <see cref="Create"/> builds the client from; throws <see cref="SettingsException"/> for a malformed endpoint.</summary>
    public static AwsClientSettings Resolve(Func<string, string?>? read) =>
        AwsClientSettings.Resolve(new SettingsReader(read), ServiceEndpointSetting);
}
