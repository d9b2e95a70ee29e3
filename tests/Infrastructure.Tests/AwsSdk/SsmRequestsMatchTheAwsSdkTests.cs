using System.Text.Json.Nodes;
using CleanCqrs.Infrastructure.Delivery.Smtp;
using CleanCqrs.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;

namespace CleanCqrs.Infrastructure.Tests.AwsSdk;

/// <summary>
/// The one SSM call the service makes: <c>GetParameter</c> of the SMTP password with decryption, at
/// init, sent by <see cref="SsmSmtpPassword"/> through AWSSDK.SimpleSystemsManagement and built by the
/// AWS SDK for JavaScript v3 from the same input: X-Amz-Target, media type, method, path and every
/// JSON member must agree.
/// </summary>
public sealed class SsmRequestsMatchTheAwsSdkTests
{
    public const string Parameter = "/cleancqrs/smtp-password";

    [Test]
    public async Task Smtp_password_read_matches_the_sdk_GetParameter_with_decryption()
    {
        await using var ssm = new FakeSsm();
        ssm.Parameters[Parameter] = ("SecureString", "s3cret-from-ssm");

        Assert.That(await Password(ssm).GetAsync(CancellationToken.None), Is.EqualTo("s3cret-from-ssm"));

        var sdk = await AwsSdkJs.CaptureAsync(new SdkCall("ssm", "GetParameter", new JsonObject
        {
            ["Name"] = Parameter,
            ["WithDecryption"] = true,
        }));
        AssertSame(Ours(ssm.Calls.Single()), sdk.Single());
    }

    internal static SsmSmtpPassword Password(FakeSsm ssm, string parameter = Parameter) => new(
        SsmSmtpPassword.CreateClient(new Dictionary<string, string?>
        {
            [SsmSmtpPassword.ServiceEndpointSetting] = ssm.Endpoint.AbsoluteUri,
            // Points nowhere, so a developer's own ~/.aws/credentials cannot change what is sent.
            ["AWS_SHARED_CREDENTIALS_FILE"] = "/nonexistent/cleancqrs-tests/credentials",
        }.GetValueOrDefault),
        parameter,
        NullLogger<SsmSmtpPassword>.Instance);

    internal static WireRequest Ours(SsmCall call) =>
        WireRequest.Parse(call.Method, call.Path, call.ContentType, call.Target, call.RawBody);

    internal static void AssertSame(WireRequest ours, WireRequest sdk)
    {
        Assert.That(sdk.Json, Is.Not.Null, "the AWS SDK's request has no JSON body: the capture is broken");
        Assert.That(sdk.Target, Does.StartWith("AmazonSSM."), "the AWS SDK's request has no target: the capture is broken");
        Assert.That(WireRequest.Differences(ours, sdk), Is.Empty);
    }
}
