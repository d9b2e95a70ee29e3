using Amazon;
using Amazon.Runtime;

namespace CleanCqrs.Infrastructure.Configuration;

/// <summary>
/// How to reach one AWS service, from the standard settings: <c>AWS_REGION</c>, the endpoint
/// overrides <c>AWS_ENDPOINT_URL_&lt;SERVICE&gt;</c> / <c>AWS_ENDPOINT_URL</c> (a local server; both
/// ignored when <c>AWS_IGNORE_CONFIGURED_ENDPOINT_URLS</c> is <c>true</c>; it takes <c>true</c> or
/// <c>false</c>) and whether to sign with dummy credentials. Shared by every AWS SDK client the service builds.
/// </summary>
/// <param name="ServiceUrl">An endpoint override, or null for the region's AWS endpoint.</param>
/// <param name="Region">The signing region, or null for the SDK's own lookup.</param>
/// <param name="UseLocalCredentials">Sign with dummy credentials (a loopback endpoint with none configured).</param>
public sealed record AwsClientSettings(Uri? ServiceUrl, string? Region, bool UseLocalCredentials)
{
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

    /// <param name="serviceEndpointSetting">The service's own override, e.g. <c>AWS_ENDPOINT_URL_DYNAMODB</c>.</param>
    /// <exception cref="SettingsException">An endpoint override is not an absolute http(s) URL.</exception>
    public static AwsClientSettings Resolve(SettingsReader env, string serviceEndpointSetting)
    {
        ArgumentNullException.ThrowIfNull(env);
        var endpoint = env.Bool(IgnoreEndpointsSetting, false)
            ? null
            : env.HttpUrl(serviceEndpointSetting) ?? env.HttpUrl(EndpointSetting);
        var region = env.Optional(RegionSetting) ?? (endpoint is null ? null : LocalRegion);

        // A local server accepts any signature; the SDK's chain would end by probing the EC2 metadata
        // address, which a laptop or CI machine neither has nor should be sending requests to.
        var useLocalCredentials = endpoint is { IsLoopback: true } && !HasConfiguredCredentials(env);
        return new AwsClientSettings(endpoint, region, useLocalCredentials);
    }

    /// <summary>Points <paramref name="config"/> at the endpoint override or the region.</summary>
    public void ApplyTo(ClientConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        // The endpoint was resolved here from the same variables; the SDK must not pick another.
        config.IgnoreConfiguredEndpointUrls = true;
        if (ServiceUrl is { } endpoint)
        {
            config.ServiceURL = endpoint.AbsoluteUri;
            config.AuthenticationRegion = Region ?? LocalRegion;
        }
        else if (Region is { } region)
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        }
    }

    /// <summary>Dummy credentials for a local server, or null for the SDK's default chain.</summary>
    public AWSCredentials? Credentials => UseLocalCredentials ? new BasicAWSCredentials("local", "local") : null;

    /// <summary>Whether the default chain has something to find without asking the instance metadata service.</summary>
    internal static bool HasConfiguredCredentials(SettingsReader env)
    {
        if (CredentialSettings.Any(env.IsSet))
        {
            return true;
        }

        var file = env.Optional("AWS_SHARED_CREDENTIALS_FILE")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".aws", "credentials");
        return File.Exists(file);
    }
}
