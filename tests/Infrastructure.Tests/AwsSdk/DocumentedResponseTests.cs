using System.Net;
using System.Text;
using Amazon.KeyManagementService.Model;
using CleanCqrs.Infrastructure.Configuration;
using CleanCqrs.Infrastructure.Messaging.Sns;
using CleanCqrs.Infrastructure.Security.Kms;
using CleanCqrs.Infrastructure.Tests.Kms;
using CleanCqrs.Infrastructure.Tests.Sns;

namespace CleanCqrs.Infrastructure.Tests.AwsSdk;

/// <summary>
/// AWS's documented responses, fed to our readers: the SNS Query XML samples (API Reference and the
/// awsQuery protocol's error shape, see shared/aws-events/sns-publish-api.md), KMS JSON 1.1 errors
/// as KMS sends them, and SSM GetParameter's documented output and errors, throttling included.
/// </summary>
public sealed class DocumentedResponseTests
{
    // aws/aws-cli awscli/examples/ssm/get-parameter.rst, "Example 2: To decrypt the value for a parameter",
    // the output verbatim: the CLI prints a JSON protocol's response members as they arrive (the
    // timestamp in epoch seconds, as the JSON 1.1 protocol sends it).
    private const string GetParameterSample = """
        {
            "Parameter": {
                "Name": "helloSecureWorld",
                "Type": "SecureString",
                "Value": "Good day sunshine",
                "Version": 1,
                "LastModifiedDate": 1530018761.888,
                "ARN": "arn:aws:ssm:us-east-1:123456789012:parameter/helloSecureWorld"
            }
        }
        """;

    // API Reference, API_Publish, example 2, verbatim (https namespace as the documentation spells it).
    private const string PublishSample = """
        <PublishResponse xmlns="https://sns.amazonaws.com/doc/2010-03-31/">
            <PublishResult>
                <MessageId>94f20ce6-13c5-43a0-9a9e-ca52d816e90b</MessageId>
            </PublishResult>
            <ResponseMetadata>
                <RequestId>f187a3c1-376f-11df-8963-01868b7c937a</RequestId>
            </ResponseMetadata>
        </PublishResponse>
        """;

    // The awsQuery protocol's error response (Smithy aws-query-protocol): no namespace, RequestId beside Error.
    private const string QueryErrorSample = """
        <ErrorResponse>
            <Error>
                <Type>Sender</Type>
                <Code>InvalidParameterValue</Code>
                <Message>Invalid parameter: Message too long</Message>
            </Error>
            <RequestId>foo-id</RequestId>
        </ErrorResponse>
        """;

    [Test]
    public void Publish_sample_gives_its_message_id_and_request_id()
    {
        var result = SnsXml.ReadPublish(PublishSample, HttpStatusCode.OK);

        Assert.Multiple(() =>
        {
            Assert.That(result.MessageId, Is.EqualTo("94f20ce6-13c5-43a0-9a9e-ca52d816e90b"));
            Assert.That(result.SequenceNumber, Is.Null);
            Assert.That(result.RequestId, Is.EqualTo("f187a3c1-376f-11df-8963-01868b7c937a"));
        });
    }

    [Test]
    public void Fifo_publish_result_gives_its_sequence_number()
    {
        var fifo = PublishSample.Replace(
            "</MessageId>", "</MessageId>\n        <SequenceNumber>10000000000000004000</SequenceNumber>", StringComparison.Ordinal);

        Assert.That(SnsXml.ReadPublish(fifo, HttpStatusCode.OK).SequenceNumber, Is.EqualTo("10000000000000004000"));
    }

    [Test]
    public void PublishBatch_shape_with_successes_and_failures_is_read_entry_by_entry()
    {
        const string body = """
            <PublishBatchResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">
                <PublishBatchResult>
                    <Successful>
                        <member>
                            <Id>e1</Id>
                            <MessageId>c6e8c718-7d2b-4a0e-9c8a-8f1d3c1f6b2a</MessageId>
                            <SequenceNumber>10000000000000008000</SequenceNumber>
                        </member>
                    </Successful>
                    <Failed>
                        <member>
                            <Id>e2</Id>
                            <Code>InvalidParameter</Code>
                            <Message>Invalid parameter: MessageGroupId</Message>
                            <SenderFault>true</SenderFault>
                        </member>
                        <member>
                            <Id>e3</Id>
                            <Code>InternalError</Code>
                            <SenderFault>false</SenderFault>
                        </member>
                    </Failed>
                </PublishBatchResult>
                <ResponseMetadata>
                    <RequestId>b1f0f5b4-2c7e-5b7e-9a43-3c2f0b6f0f0e</RequestId>
                </ResponseMetadata>
            </PublishBatchResponse>
            """;

        var (successful, failed, requestId) = SnsXml.ReadPublishBatch(body, HttpStatusCode.OK);

        Assert.Multiple(() =>
        {
            Assert.That(successful, Is.EqualTo(new[] { new SnsBatchResultEntry("e1", "c6e8c718-7d2b-4a0e-9c8a-8f1d3c1f6b2a", "10000000000000008000") }));
            Assert.That(failed, Is.EqualTo(new[]
            {
                new SnsBatchFailure("e2", "InvalidParameter", "Invalid parameter: MessageGroupId", SenderFault: true),
                new SnsBatchFailure("e3", "InternalError", null, SenderFault: false),
            }));
            Assert.That(requestId, Is.EqualTo("b1f0f5b4-2c7e-5b7e-9a43-3c2f0b6f0f0e"));
        });
    }

    [Test]
    public void Query_error_sample_gives_code_message_request_id_and_is_not_retried()
    {
        var error = SnsXml.ReadError("Publish", HttpStatusCode.BadRequest, QueryErrorSample, "Bad Request");

        Assert.Multiple(() =>
        {
            Assert.That(error.Code, Is.EqualTo("InvalidParameterValue"));
            Assert.That(error.ServiceMessage, Is.EqualTo("Invalid parameter: Message too long"));
            Assert.That(error.RequestId, Is.EqualTo("foo-id"));
            Assert.That(error.IsRetryable, Is.False);
        });
    }

    // Query common errors: Throttling (400); re:Post's "ThrottlingException: Rate exceeded"; Throttled (429) on SMS operations.
    [TestCase(400, "Throttling")]
    [TestCase(400, "ThrottlingException")]
    [TestCase(429, "Throttled")]
    [TestCase(400, "KMSThrottling")]
    public async Task Throttling_in_the_documented_error_shape_is_retried_until_it_passes(int status, string code)
    {
        var body = QueryErrorSample
            .Replace("InvalidParameterValue", code, StringComparison.Ordinal)
            .Replace("Invalid parameter: Message too long", "Rate exceeded", StringComparison.Ordinal);
        await using var server = new FakeSnsServer();
        using var client = SnsTestKit.Client(server);
        server.Enqueue(new ScriptedResponse(status, body));

        var result = await client.PublishAsync(new SnsPublishRequest { TopicArn = SnsTestKit.TopicArn, Message = "m" }, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(SnsXml.ReadError("Publish", (HttpStatusCode)status, body, null).IsRetryable, Is.True);
            Assert.That(server.Requests, Has.Count.EqualTo(2));
            Assert.That(result.MessageId, Is.Not.Empty);
        });
    }

    // KMS names throttling with a namespace-qualified __type; the SDK's retry must still know it.
    [TestCase("ThrottlingException")]
    [TestCase("com.amazon.coral.availability#ThrottlingException")]
    public async Task Kms_throttling_is_retried_by_the_sdk_and_the_mac_still_comes(string type)
    {
        using var kms = new FakeKms();
        using var client = kms.CreateClient();
        var throttled = 0;
        kms.Intercept = _ => Interlocked.Increment(ref throttled) == 1 ? KmsReply.Error(type, "Rate exceeded") : null;

        var mac = await new KmsOtpSecret(client, FakeKms.OtpKeyArn).ComputeMacAsync(Encoding.UTF8.GetBytes("otp:1"), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(mac, Has.Length.EqualTo(KmsOtpSecret.MacLength));
            Assert.That(kms.CallsTo("GenerateMac"), Has.Count.EqualTo(2));
        });
    }

    [TestCase("KMSInvalidStateException", typeof(KMSInvalidStateException))]
    [TestCase("DisabledException", typeof(DisabledException))]
    [TestCase("com.amazonaws.kms#NotFoundException", typeof(NotFoundException))]
    public void Kms_documented_errors_reach_the_caller_as_their_exception_type(string type, Type expected)
    {
        using var kms = new FakeKms();
        using var client = kms.CreateClient();
        kms.Intercept = _ => KmsReply.Error(type, "documented error");

        var error = Assert.CatchAsync(async () =>
            await new KmsOtpSecret(client, FakeKms.OtpKeyArn).ComputeMacAsync(Encoding.UTF8.GetBytes("otp:1"), CancellationToken.None));

        Assert.That(error, Is.InstanceOf(expected));
        Assert.That(kms.CallsTo("GenerateMac"), Has.Count.EqualTo(1), "a client error is not retried");
    }

    [Test]
    public async Task Ssm_GetParameter_sample_gives_the_decrypted_value_and_passes_the_start_check()
    {
        await using var ssm = new FakeSsm();
        ssm.Script.Enqueue(new SsmReply(200, GetParameterSample));
        var password = SsmRequestsMatchTheAwsSdkTests.Password(ssm, "helloSecureWorld");

        password.Warm();
        await password.CheckAsync(CancellationToken.None);

        Assert.That(await password.GetAsync(CancellationToken.None), Is.EqualTo("Good day sunshine"));
        Assert.That(ssm.Calls, Has.Count.EqualTo(1));
    }

    // SSM answers an unknown name with the JSON 1.1 error shape and no message; some services qualify the type.
    [TestCase("""{"__type":"ParameterNotFound"}""")]
    [TestCase("""{"__type":"ParameterNotFound","message":""}""")]
    [TestCase("""{"__type":"com.amazonaws.ssm#ParameterNotFound"}""")]
    public async Task Ssm_ParameterNotFound_fails_the_start_naming_the_setting_the_parameter_and_the_fix(string error)
    {
        await using var ssm = new FakeSsm();
        ssm.Script.Enqueue(new SsmReply(400, error));
        var password = SsmRequestsMatchTheAwsSdkTests.Password(ssm);

        password.Warm();
        var failure = Assert.ThrowsAsync<SettingsException>(async () => await password.CheckAsync(CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(failure!.Setting, Is.EqualTo("SMTP_PASSWORD_PARAMETER"));
            Assert.That(failure.Message, Does.Contain(SsmRequestsMatchTheAwsSdkTests.Parameter).And.Contain("ParameterNotFound").And.Contain("SecureString"));
            Assert.That(ssm.Calls, Has.Count.EqualTo(1), "a client error is not retried");
        });
    }

    [Test]
    public async Task Ssm_AccessDenied_fails_the_start_naming_the_permission()
    {
        await using var ssm = new FakeSsm();
        ssm.Script.Enqueue(SsmReply.Error(
            "AccessDeniedException",
            "User: arn:aws:sts::123456789012:assumed-role/fn/fn is not authorized to perform: ssm:GetParameter on resource: arn:aws:ssm:us-east-1:123456789012:parameter/cleancqrs/smtp-password"));
        var password = SsmRequestsMatchTheAwsSdkTests.Password(ssm);

        password.Warm();
        var failure = Assert.ThrowsAsync<SettingsException>(async () => await password.CheckAsync(CancellationToken.None));

        Assert.That(failure!.Message, Does.Contain("AccessDeniedException").And.Contain("ssm:GetParameter"));
    }

    // SSM's common errors: ThrottlingException (400, "Rate exceeded"); the SDK's standard retry knows it.
    [TestCase("ThrottlingException")]
    [TestCase("com.amazon.coral.availability#ThrottlingException")]
    public async Task Ssm_throttling_is_retried_by_the_sdk_and_the_password_still_comes(string type)
    {
        await using var ssm = new FakeSsm();
        ssm.Parameters[SsmRequestsMatchTheAwsSdkTests.Parameter] = ("SecureString", "s3cret-from-ssm");
        ssm.Script.Enqueue(SsmReply.Error(type, "Rate exceeded"));
        var password = SsmRequestsMatchTheAwsSdkTests.Password(ssm);

        password.Warm();
        await password.CheckAsync(CancellationToken.None);

        Assert.That(await password.GetAsync(CancellationToken.None), Is.EqualTo("s3cret-from-ssm"));
        Assert.That(ssm.Calls, Has.Count.EqualTo(2));
    }

    [Test]
    public async Task Ssm_throttling_that_outlasts_the_retries_does_not_fail_the_start_and_the_next_read_succeeds()
    {
        await using var ssm = new FakeSsm();
        ssm.Parameters[SsmRequestsMatchTheAwsSdkTests.Parameter] = ("SecureString", "s3cret-from-ssm");
        for (var i = 0; i < 20; i++)
        {
            ssm.Script.Enqueue(SsmReply.Error("ThrottlingException", "Rate exceeded"));
        }

        var password = SsmRequestsMatchTheAwsSdkTests.Password(ssm);

        password.Warm();
        await password.CheckAsync(CancellationToken.None);
        Assert.CatchAsync(async () => await password.GetAsync(CancellationToken.None), "the throttled read fails the e-mail that waits for it");
        ssm.Script.Clear();

        Assert.That(await password.GetAsync(CancellationToken.None), Is.EqualTo("s3cret-from-ssm"), "the next e-mail reads again");
    }
}
