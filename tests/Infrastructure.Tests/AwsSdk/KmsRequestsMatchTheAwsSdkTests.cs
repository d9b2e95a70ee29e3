using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Amazon.KeyManagementService;
using CleanCqrs.Infrastructure.Security;
using CleanCqrs.Infrastructure.Security.Kms;
using CleanCqrs.Infrastructure.Tests.Kms;

namespace CleanCqrs.Infrastructure.Tests.AwsSdk;

/// <summary>
/// Every KMS call the service makes (GetPublicKey and Sign for tokens, GenerateMac for OTP codes and for
/// the subject key), as our adapters send it through AWSSDK.KeyManagementService and as the AWS SDK for
/// JavaScript v3 builds it: X-Amz-Target, media type, method, path and every JSON member must agree.
/// </summary>
public sealed class KmsRequestsMatchTheAwsSdkTests
{
    private FakeKms _kms = null!;
    private IAmazonKeyManagementService _client = null!;

    [SetUp]
    public void SetUp()
    {
        _kms = new FakeKms();
        _client = _kms.CreateClient();
    }

    [TearDown]
    public void TearDown()
    {
        _client.Dispose();
        _kms.Dispose();
    }

    [Test]
    public async Task Token_signing_matches_the_sdk_GetPublicKey_then_Sign_of_a_digest()
    {
        var signingInput = Encoding.ASCII.GetBytes("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0");
        await new KmsJwtSigningKey(_client, FakeKms.JwtAlias).SignAsync(signingInput, CancellationToken.None);

        var sdk = await AwsSdkJs.CaptureAsync(
            new SdkCall("kms", "GetPublicKey", new JsonObject { ["KeyId"] = FakeKms.JwtAlias }),
            new SdkCall(
                "kms",
                "Sign",
                new JsonObject
                {
                    // Signing goes to the key GetPublicKey named, so an alias moved meanwhile cannot split kid and signer.
                    ["KeyId"] = FakeKms.JwtKeyArn,
                    ["Message"] = Convert.ToBase64String(SHA256.HashData(signingInput)),
                    ["MessageType"] = "DIGEST",
                    ["SigningAlgorithm"] = "RSASSA_PKCS1_V1_5_SHA_256",
                },
                "Message"));

        var calls = _kms.Calls.ToList();
        Assert.That(calls.Select(c => c.Operation), Is.EqualTo(new[] { "GetPublicKey", "Sign" }));
        AssertSame(Ours(calls[0]), sdk[0]);
        AssertSame(Ours(calls[1]), sdk[1]);
    }

    [Test]
    public async Task Otp_mac_matches_the_sdk_GenerateMac()
    {
        var message = Encoding.UTF8.GetBytes("otp:0123456789abcdef");
        await new KmsOtpSecret(_client, FakeKms.OtpKeyArn).ComputeMacAsync(message, CancellationToken.None);

        var sdk = await AwsSdkJs.CaptureAsync(new SdkCall(
            "kms",
            "GenerateMac",
            new JsonObject
            {
                ["KeyId"] = FakeKms.OtpKeyArn,
                ["Message"] = Convert.ToBase64String(message),
                ["MacAlgorithm"] = "HMAC_SHA_256",
            },
            "Message"));

        AssertSame(Ours(_kms.Calls.Single()), sdk.Single());
    }

    [Test]
    public async Task Subject_key_derivation_matches_the_sdk_GenerateMac_of_the_fixed_label()
    {
        await SubjectKeys.DerivedFrom(new KmsOtpSecret(_client, FakeKms.OtpKeyArn))(CancellationToken.None);

        var sdk = await AwsSdkJs.CaptureAsync(new SdkCall(
            "kms",
            "GenerateMac",
            new JsonObject
            {
                ["KeyId"] = FakeKms.OtpKeyArn,
                // Spelt out, not taken from SubjectKeys: every subject id depends on these exact bytes.
                ["Message"] = Convert.ToBase64String(Encoding.UTF8.GetBytes("cleancqrs-subject-key:v1")),
                ["MacAlgorithm"] = "HMAC_SHA_256",
            },
            "Message"));

        AssertSame(Ours(_kms.Calls.Single()), sdk.Single());
    }

    internal static WireRequest Ours(KmsCall call) =>
        WireRequest.Parse(call.Method, call.Path, call.ContentType, call.Target, call.RawBody);

    internal static void AssertSame(WireRequest ours, WireRequest sdk)
    {
        Assert.That(sdk.Json, Is.Not.Null, "the AWS SDK's request has no JSON body: the capture is broken");
        Assert.That(sdk.Target, Does.StartWith("TrentService."), "the AWS SDK's request has no target: the capture is broken");
        Assert.That(WireRequest.Differences(ours, sdk), Is.Empty);
    }
}
