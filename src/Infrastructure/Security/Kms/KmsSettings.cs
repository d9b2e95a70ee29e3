using System.Text.RegularExpressions;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
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
    public const string EndpointSetting = AwsClientSettings.EndpointSetting;
    public const string IgnoreEndpointsSetting = AwsClientSettings.IgnoreEndpointsSetting;
    public const string RegionSetting = AwsClientSettings.RegionSetting;
    public const string LocalRegion = AwsClientSettings.LocalRegion;

    /// <summary>
    /// Per attempt. KMS answers in milliseconds; without a cap the SDK's default (100 s) would let one
    /// stalled connection outlast the function's own timeout instead of being retried.
    /// </summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(5);

    private const string KeyReferenceForms = "a KMS key id, key ARN, alias name (alias/...) or alias ARN";

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
        var env = new SettingsReader(read);
        var client = AwsClientSettings.Resolve(env, ServiceEndpointSetting);
        // Missing keys are refused by the constructor, which also guards keys given in code.
        return new KmsSettings(env.Optional(JwtKeySetting) ?? "", env.Optional(OtpKeySetting) ?? "", client.ServiceUrl, client.Region, client.UseLocalCredentials);
    }

    /// <summary>The process's one KMS client (the low-level one: no reflection, safe under Native AOT).</summary>
    public IAmazonKeyManagementService CreateClient()
    {
        var config = Config();
        return Client.Credentials is { } local
            ? new AmazonKeyManagementServiceClient(local, config)
            : new AmazonKeyManagementServiceClient(config);
    }

    /// <summary>
    /// Sends a <c>Sign</c> (the first token a process issues) through an <see cref="AwsDryRun"/>
    /// client configured like <see cref="CreateClient"/>'s, at init and off the network. The other two
    /// operations need no dry run: <c>GetPublicKey</c> and <c>GenerateMac</c> are real calls at init
    /// (the token key's and the subject key's prefetch).
    /// </summary>
    public async Task WarmAsync()
    {
        using var client = new AmazonKeyManagementServiceClient(AwsDryRun.Credentials, AwsDryRun.Configure(Config()));
        await AwsDryRun.RunAsync(() => client.SignAsync(new SignRequest
        {
            KeyId = JwtKeyId,
            Message = new MemoryStream(new byte[32], writable: false),
            MessageType = MessageType.DIGEST,
            SigningAlgorithm = SigningAlgorithmSpec.RSASSA_PKCS1_V1_5_SHA_256,
        }));
    }

    private AwsClientSettings Client => new(ServiceUrl, Region, UseLocalCredentials);

    private AmazonKeyManagementServiceConfig Config()
    {
        var config = new AmazonKeyManagementServiceConfig { Timeout = RequestTimeout };
        Client.ApplyTo(config);
        return config;
    }

    private static string ValidKeyReference(string setting, string? raw)
    {
        var value = raw?.Trim() is { Length: > 0 } trimmed ? trimmed : throw SettingsException.Missing(setting, KeyReferenceForms);
        if (!KeyReference().IsMatch(value))
        {
            throw SettingsException.Invalid(setting, KeyReferenceForms, value);
        }

        if (AwsManagedAlias().IsMatch(value))
        {
            throw new SettingsException(setting, $"names an AWS managed key ('{value}'), which can neither sign nor compute MACs");
        }

        return value;
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
