using System.Globalization;
using System.Text.RegularExpressions;
using CleanCqrs.Infrastructure.Configuration;

namespace CleanCqrs.Infrastructure.Messaging.Sns;

/// <summary>
/// Where and how to reach SNS: the region, the endpoint (overridable for LocalStack-style emulators)
/// and the FIFO topic that carries the service's events. Region, endpoint and credentials are resolved
/// by <see cref="AwsClientSettings"/>, the one path the DynamoDB and KMS clients take too.
/// </summary>
public sealed partial record SnsSettings
{
    public const string EventsTopicArnSetting = "EVENTS_TOPIC_ARN";
    public const string RegionSetting = AwsClientSettings.RegionSetting;
    public const string DefaultRegionSetting = "AWS_DEFAULT_REGION";
    public const string ServiceEndpointSetting = "AWS_ENDPOINT_URL_SNS";
    public const string EndpointSetting = AwsClientSettings.EndpointSetting;

    /// <summary>Signing region, e.g. <c>eu-west-1</c> (<c>AWS_REGION</c>).</summary>
    public required string Region { get; init; }

    /// <summary>Query API endpoint; <c>https://sns.{region}.amazonaws.com/</c> unless overridden.</summary>
    public required Uri Endpoint { get; init; }

    /// <summary>The FIFO topic every commit is published to (<c>EVENTS_TOPIC_ARN</c>, ends in <c>.fifo</c>).</summary>
    public required string EventsTopicArn { get; init; }

    /// <summary>Sign with dummy credentials: a loopback endpoint and no credentials configured (as for DynamoDB and KMS).</summary>
    public bool UseLocalCredentials { get; init; }

    /// <summary>Attempts per request, the first included, before an error is given up on.</summary>
    public int MaxAttempts { get; init; } = 4;

    /// <summary>How long one HTTP attempt may take before it counts as a transport failure.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Credentials for the client: dummy ones for a local server, else null for the SDK's default chain.</summary>
    public Amazon.Runtime.AWSCredentials? Credentials => new AwsClientSettings(Endpoint, Region, UseLocalCredentials).Credentials;

    /// <summary>
    /// Reads <c>EVENTS_TOPIC_ARN</c> (required) and, through <see cref="AwsClientSettings.Resolve"/>,
    /// <c>AWS_REGION</c> and the endpoint overrides <c>AWS_ENDPOINT_URL_SNS</c> / <c>AWS_ENDPOINT_URL</c>.
    /// The hand-written client cannot ask the SDK for a region, so without one it takes
    /// <c>AWS_DEFAULT_REGION</c>, then the topic ARN's region. Throws <see cref="SettingsException"/>
    /// naming the first missing or malformed setting.
    /// </summary>
    public static SnsSettings FromEnvironment(Func<string, string?>? read = null)
    {
        var env = new SettingsReader(read);
        var topicArn = env.Required(
            EventsTopicArnSetting, "the SNS FIFO topic ARN events are published to, such as arn:aws:sns:eu-west-1:123456789012:events.fifo", IsFifoTopicArn);
        var client = AwsClientSettings.Resolve(env, ServiceEndpointSetting);
        var (regionSetting, region) = client.Region is { } resolved
            ? (RegionSetting, resolved)
            : env.Optional(DefaultRegionSetting) is { } fallback
                ? (DefaultRegionSetting, fallback)
                : (EventsTopicArnSetting, FifoTopicArn().Match(topicArn).Groups["region"].Value);
        if (!RegionName().IsMatch(region))
        {
            throw SettingsException.Invalid(regionSetting, "an AWS region name such as eu-west-1", region);
        }

        return new SnsSettings
        {
            Region = region,
            Endpoint = client.ServiceUrl ?? DefaultEndpoint(region),
            EventsTopicArn = topicArn,
            UseLocalCredentials = client.UseLocalCredentials,
        };
    }

    public static Uri DefaultEndpoint(string region) =>
        new(string.Create(CultureInfo.InvariantCulture, $"https://sns.{region}.amazonaws.com/"));

    /// <summary>True for an SNS FIFO topic ARN (any partition).</summary>
    public static bool IsFifoTopicArn(string? arn) => arn is not null && FifoTopicArn().IsMatch(arn);

    [GeneratedRegex(@"^arn:aws[a-z-]*:sns:(?<region>[a-z0-9-]+):\d{12}:[A-Za-z0-9_-]{1,251}\.fifo$", RegexOptions.CultureInvariant)]
    private static partial Regex FifoTopicArn();

    [GeneratedRegex(@"^[a-z]{2}(-[a-z0-9]+)+-\d+$", RegexOptions.CultureInvariant)]
    private static partial Regex RegionName();
}
