using System.Text.RegularExpressions;
using Amazon;
using Amazon.KeyManagementService;
using Amazon.Runtime;
using CleanCqrs.Infrastructure.Configuration;

namespace CleanCqrs.Infrastructure.Security.Kms;

/// <summary>
/// Which KMS keys sign tokens and derive OTP codes, and how to reach KMS: <c>JWT_KMS_KEY_ID</c> and
/// <c>OTP_KMS_KEY_ID</c> (each a key id, key ARN, alias name <c>alias/...</c> or alias ARN),
/// <c>AWS_REGION</c>, and the endpoint overrides <c>AWS_ENDPOINT_URL_KMS</c> / <c>AWS_ENDPOINT_URL</c>
/// (a local KMS-compatible server). Read only when the service runs against AWS, where both keys are
/// required; locally the key files stand in for them.
/// </summary>
public sealed partial class KmsSettings
{
    public const string JwtKeySetting = "JWT_KMS_KEY_ID";
    public const string OtpKeySetting = "OTP_KMS_KEY_ID";
    public const string ServiceEndpointSetting = "AWS_ENDPOINT_URL_KMS";
    public const string EndpointSetting = "AWS_ENDPOINT_URL";
    public const string IgnoreEndpointsSetting = "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS";
    public const string RegionSetting = "AWS_REGION";

    /// <summary>The region signed for when an endpoint override is set without <c>AWS_REGION</c>.</summary>
    public const string LocalRegion = "us-east-1";

    /// <summary>
    /// Per attempt. KMS answers in milliseconds; without a cap the SDK's default (100 s) would let one
    /// stalled connection outlast the function's own timeout instead of being retried.
    /// </summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Settings that show the SDK's default chain has something to find, without asking it.</summary>
    private static readonly string[] CredentialSettings =
    [
        "AWS_ACCESS_KEY_ID",
        "AWS_PROFILE",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    ];

    /// <param name="jwtKeyId">The RSA SIGN_VERIFY key that signs tokens.</param>
    /// <param name="otpKeyId">The HMAC_256 GENERATE_VERIFY_MAC key that OTP codes are derived from.</param>
    /// <param name="serviceUrl">An endpoint override (a local server), or null for the region's KMS.</param>
    /// <param name="region">The region, or null for the SDK's own lookup.</param>
    /// <param name="useLocalCredentials">Sign with dummy credentials (only sensible for a local endpoint).</param>
    /// <exception cref="SettingsException">A key reference is missing or malformed.</exception>
    public KmsSettings(string jwtKeyId, string otpKeyId, Uri? serviceUrl = null, string? region = null, bool useLocalCredentials = false)
    {
        JwtKeyId = ValidKeyReference(JwtKeySetting, jwtKeyId);
        OtpKeyId = ValidKeyReference(OtpKeySetting, otpKeyId);
        if (string.Equals(JwtKeyId, OtpKeyId, StringComparison.Ordinal))
        {
            // No key can both sign with RSA and compute HMACs; the same value twice is a copy-paste slip.
            throw new SettingsException(OtpKeySetting, $"must name a different key from {JwtKeySetting}, not the same '{OtpKeyId}'");
        }

        ServiceUrl = serviceUrl;
        Region = region;
        UseLocalCredentials = useLocalCredentials;
    }

    /// <summary>The token signing key as configured (<c>JWT_KMS_KEY_ID</c>).</summary>
    public string JwtKeyId { get; }

    /// <summary>The OTP MAC key as configured (<c>OTP_KMS_KEY_ID</c>).</summary>
    public string OtpKeyId { get; }

    public Uri? ServiceUrl { get; }

    public string? Region { get; }

    public bool UseLocalCredentials { get; }

    /// <exception cref="SettingsException">A setting is missing or malformed; the message names it.</exception>
    public static KmsSettings FromEnvironment(Func<string, string?>? read = null)
    {
        read ??= Environment.GetEnvironmentVariable;
        var endpoint = EndpointOverride(read);
        var region = read(RegionSetting) is { } configured && !string.IsNullOrWhiteSpace(configured)
            ? configured.Trim()
            : endpoint is null ? null : LocalRegion;

        // A local server accepts any signature; the SDK's chain would end by probing the EC2 metadata
        // address, which a laptop or CI machine neither has nor should be sending requests to.
        var useLocalCredentials = endpoint is { IsLoopback: true } && !HasConfiguredCredentials(read);
        return new KmsSettings(read(JwtKeySetting) ?? "", read(OtpKeySetting) ?? "", endpoint, region, useLocalCredentials);
    }

    /// <summary>The process's one KMS client (the low-level one: no reflection, safe under Native AOT).</summary>
    public IAmazonKeyManagementService CreateClient()
    {
        var config = new AmazonKeyManagementServiceConfig
        {
            Timeout = RequestTimeout,
            // The endpoint was resolved above from the same variables; the SDK must not pick another.
            IgnoreConfiguredEndpointUrls = true,
        };
        if (ServiceUrl is { } endpoint)
        {
            config.ServiceURL = endpoint.AbsoluteUri;
            config.AuthenticationRegion = Region ?? LocalRegion;
        }
        else if (Region is { } region)
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        }

        return UseLocalCredentials
            ? new AmazonKeyManagementServiceClient(new BasicAWSCredentials("local", "local"), config)
            : new AmazonKeyManagementServiceClient(config);
    }

    private static string ValidKeyReference(string setting, string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            throw new SettingsException(setting, "is required: a KMS key id, key ARN, alias name (alias/...) or alias ARN");
        }

        var value = raw.Trim();
        if (!KeyReference().IsMatch(value))
        {
            throw new SettingsException(setting, $"must be a KMS key id, key ARN, alias name (alias/...) or alias ARN, not '{raw}'");
        }

        if (AwsManagedAlias().IsMatch(value))
        {
            throw new SettingsException(setting, $"names an AWS managed key ('{value}'), which can neither sign nor compute MACs");
        }

        return value;
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

    // KMS's own formats: a key id is a UUID or a multi-Region "mrk-" id; an alias name is at most 256
    // characters of letters, digits, '/', '_' and '-'; ARNs carry partition, region and account.
    [GeneratedRegex(
        """
        ^(?:
            [0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}
          | mrk-[0-9a-fA-F]{32}
          | alias/[A-Za-z0-9/_-]{1,250}
          | arn:aws(?:-[a-z]+)*:kms:[a-z]{2}(?:-[a-z]+)+-[0-9]+:[0-9]{12}:
            (?:key/(?:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|mrk-[0-9a-fA-F]{32})
              | alias/[A-Za-z0-9/_-]{1,250})
        )$
        """,
        RegexOptions.IgnorePatternWhitespace | RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture)]
    private static partial Regex KeyReference();

    [GeneratedRegex("(?:^|:)alias/aws/", RegexOptions.CultureInvariant)]
    private static partial Regex AwsManagedAlias();
}
