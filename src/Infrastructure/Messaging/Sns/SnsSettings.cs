using System.Globalization;
using System.Text.RegularExpressions;
using CleanCqrs.Infrastructure.Configuration;

namespace CleanCqrs.Infrastructure.Messaging.Sns;

/// <summary>
/// Where and how to reach SNS: the region, the endpoint (overridable for LocalStack-style emulators)
/// and the FIFO topic that carries the service's events.
/// </summary>
public sealed partial record SnsSettings
{
    public const string EventsTopicArnSetting = "EVENTS_TOPIC_ARN";
    public const string RegionSetting = "AWS_REGION";
    public const string DefaultRegionSetting = "AWS_DEFAULT_REGION";
    public const string ServiceEndpointSetting = "AWS_ENDPOINT_URL_SNS";
    public const string EndpointSetting = "AWS_ENDPOINT_URL";

    /// <summary>Signing region, e.g. <c>eu-west-1</c> (<c>AWS_REGION</c>).</summary>
    public required string Region { get; init; }

    /// <summary>Query API endpoint; <c>https://sns.{region}.amazonaws.com/</c> unless overridden.</summary>
    public required Uri Endpoint { get; init; }

    /// <summary>The FIFO topic every commit is published to (<c>EVENTS_TOPIC_ARN</c>, ends in <c>.fifo</c>).</summary>
    public required string EventsTopicArn { get; init; }

    /// <summary>Attempts per request, the first included, before an error is given up on.</summary>
    public int MaxAttempts { get; init; } = 4;

    /// <summary>How long one HTTP attempt may take before it counts as a transport failure.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Reads <c>EVENTS_TOPIC_ARN</c> (required), <c>AWS_REGION</c> (else <c>AWS_DEFAULT_REGION</c>,
    /// else the topic ARN's region) and <c>AWS_ENDPOINT_URL_SNS</c> / <c>AWS_ENDPOINT_URL</c>; throws
    /// <see cref="SettingsException"/> naming the first missing or malformed one.
    /// </summary>
    public static SnsSettings FromEnvironment(Func<string, string?>? read = null)
    {
        read ??= Environment.GetEnvironmentVariable;

        var topicArn = read(EventsTopicArnSetting)?.Trim();
        if (string.IsNullOrEmpty(topicArn))
        {
            throw new SettingsException(EventsTopicArnSetting, "is required (the SNS FIFO topic ARN events are published to)");
        }

        var arn = FifoTopicArn().Match(topicArn);
        if (!arn.Success)
        {
            throw new SettingsException(
                EventsTopicArnSetting,
                $"must be an SNS FIFO topic ARN such as arn:aws:sns:eu-west-1:123456789012:events.fifo, not '{topicArn}'");
        }

        var (regionSetting, region) = FirstSet(read, RegionSetting, DefaultRegionSetting);
        region ??= arn.Groups["region"].Value;
        if (!RegionName().IsMatch(region))
        {
            throw new SettingsException(regionSetting ?? RegionSetting, $"must be an AWS region name such as eu-west-1, not '{region}'");
        }

        var (endpointSetting, endpointText) = FirstSet(read, ServiceEndpointSetting, EndpointSetting);
        var endpoint = DefaultEndpoint(region);
        if (endpointText is not null)
        {
            if (!Uri.TryCreate(endpointText, UriKind.Absolute, out var parsed)
                || (parsed.Scheme != Uri.UriSchemeHttps && parsed.Scheme != Uri.UriSchemeHttp))
            {
                throw new SettingsException(endpointSetting!, $"must be an absolute http(s) URL, not '{endpointText}'");
            }

            endpoint = parsed;
        }

        return new SnsSettings { Region = region, Endpoint = endpoint, EventsTopicArn = topicArn };
    }

    public static Uri DefaultEndpoint(string region) =>
        new(string.Create(CultureInfo.InvariantCulture, $"https://sns.{region}.amazonaws.com/"));

    /// <summary>True for an SNS FIFO topic ARN (any partition).</summary>
    public static bool IsFifoTopicArn(string? arn) => arn is not null && FifoTopicArn().IsMatch(arn);

    private static (string? Setting, string? Value) FirstSet(Func<string, string?> read, params string[] names)
    {
        foreach (var name in names)
        {
            if (read(name) is { } value && !string.IsNullOrWhiteSpace(value))
            {
                return (name, value.Trim());
            }
        }

        return (null, null);
    }

    [GeneratedRegex(@"^arn:aws[a-z-]*:sns:(?<region>[a-z0-9-]+):\d{12}:[A-Za-z0-9_-]{1,251}\.fifo$", RegexOptions.CultureInvariant)]
    private static partial Regex FifoTopicArn();

    [GeneratedRegex(@"^[a-z]{2}(-[a-z0-9]+)+-\d+$", RegexOptions.CultureInvariant)]
    private static partial Regex RegionName();
}
