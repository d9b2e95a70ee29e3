using Amazon;
using Amazon.DynamoDBv2;
using Amazon.Runtime;
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
    public const string EndpointSetting = "AWS_ENDPOINT_URL";
    public const string IgnoreEndpointsSetting = "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS";
    public const string RegionSetting = "AWS_REGION";

    /// <summary>The region signed for when an endpoint override is set without <c>AWS_REGION</c>.</summary>
    public const string LocalRegion = "us-east-1";

    /// <summary>Settings that show the SDK's default chain has something to find, without asking it.</summary>
    private static readonly string[] CredentialSettings =
    [
        "AWS_ACCESS_KEY_ID",
        "AWS_PROFILE",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    ];

    public static IAmazonDynamoDB Create(Func<string, string?>? read = null)
    {
        var settings = Resolve(read ?? Environment.GetEnvironmentVariable);
        var config = new AmazonDynamoDBConfig();
        if (settings.ServiceUrl is { } endpoint)
        {
            config.ServiceURL = endpoint.AbsoluteUri;
            config.AuthenticationRegion = settings.Region;
        }
        else if (settings.Region is { } region)
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        }

        return settings.UseLocalCredentials
            ? new AmazonDynamoDBClient(new BasicAWSCredentials("local", "local"), config)
            : new AmazonDynamoDBClient(config);
    }

    /// <summary>What <see cref="Create"/> builds the client from; throws <see cref="SettingsException"/> for a malformed endpoint.</summary>
    internal static DynamoDbClientSettings Resolve(Func<string, string?> read)
    {
        var endpoint = EndpointOverride(read);
        var region = read(RegionSetting) is { Length: > 0 } configured
            ? configured.Trim()
            : endpoint is null ? null : LocalRegion;

        // A local server accepts any signature; the SDK's chain would end by probing the EC2 metadata
        // address, which a laptop or CI machine neither has nor should be sending requests to.
        var useLocalCredentials = endpoint is { IsLoopback: true } && !HasConfiguredCredentials(read);
        return new DynamoDbClientSettings(endpoint, region, useLocalCredentials);
    }

    private static Uri? EndpointOverride(Func<string, string?> read)
    {
        if (string.Equals(read(IgnoreEndpointsSetting)?.Trim(), "true", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        foreach (var setting in new[] { ServiceEndpointSetting, EndpointSetting })
        {
            var raw = read(setting);
            if (string.IsNullOrWhiteSpace(raw))
            {
                continue;
            }

            return Uri.TryCreate(raw.Trim(), UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
                ? uri
                : throw new SettingsException(setting, $"must be an absolute http or https URL, not '{raw}'");
        }

        return null;
    }

    private static bool HasConfiguredCredentials(Func<string, string?> read)
    {
        if (CredentialSettings.Any(setting => !string.IsNullOrWhiteSpace(read(setting))))
        {
            return true;
        }

        var file = read("AWS_SHARED_CREDENTIALS_FILE") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".aws", "credentials");
        return File.Exists(file);
    }
}

/// <summary>The resolved client settings: endpoint override (null: AWS), signing region (null: the SDK's own lookup) and whether to sign with dummy local credentials.</summary>
internal sealed record DynamoDbClientSettings(Uri? ServiceUrl, string? Region, bool UseLocalCredentials);
