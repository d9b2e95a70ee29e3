using System.Text.Json.Nodes;
using CleanCqrs.Infrastructure.Messaging.Sns;
using CleanCqrs.Infrastructure.Tests.Sns;

namespace CleanCqrs.Infrastructure.Tests.AwsSdk;

/// <summary>
/// The comparison with the AWS SDK can fail: a request that agrees with the SDK's, altered in one
/// place the way a misread of the API would alter it, is reported, naming what differs.
/// </summary>
public sealed class ComparisonCatchesAlteredRequestsTests
{
    private static WireRequest _snsOurs = null!;
    private static WireRequest _snsSdk = null!;
    private static WireRequest _kmsOurs = null!;
    private static WireRequest _kmsSdk = null!;
    private static WireRequest _ssmOurs = null!;
    private static WireRequest _ssmSdk = null!;

    [OneTimeSetUp]
    public static async Task CaptureAgreeingPairs()
    {
        await using (var server = new FakeSnsServer())
        using (var client = SnsTestKit.Client(server))
        {
            await client.PublishAsync(
                new SnsPublishRequest
                {
                    TopicArn = SnsTestKit.TopicArn,
                    Message = "{\"type\":\"OrgCreated.v1\"}",
                    MessageGroupId = "org-acme",
                    MessageDeduplicationId = "dedup-1",
                    Attributes = [new SnsMessageAttribute("eventType", "OrgCreated.v1")],
                },
                CancellationToken.None);
            _snsOurs = SnsRequestsMatchTheAwsSdkTests.Ours(server.Requests.Single());
        }

        await using (var ssm = new FakeSsm())
        {
            ssm.Parameters[SsmRequestsMatchTheAwsSdkTests.Parameter] = ("SecureString", "s3cret");
            await SsmRequestsMatchTheAwsSdkTests.Password(ssm).GetAsync(CancellationToken.None);
            _ssmOurs = SsmRequestsMatchTheAwsSdkTests.Ours(ssm.Calls.Single());
        }

        var kmsInput = new JsonObject { ["KeyId"] = "alias/cleancqrs-jwt" };
        var sdk = await AwsSdkJs.CaptureAsync(
            new SdkCall("sns", "Publish", new JsonObject
            {
                ["TopicArn"] = SnsTestKit.TopicArn,
                ["Message"] = "{\"type\":\"OrgCreated.v1\"}",
                ["MessageGroupId"] = "org-acme",
                ["MessageDeduplicationId"] = "dedup-1",
                ["MessageAttributes"] = new JsonObject
                {
                    ["eventType"] = new JsonObject { ["DataType"] = "String", ["StringValue"] = "OrgCreated.v1" },
                },
            }),
            new SdkCall("kms", "GetPublicKey", kmsInput),
            new SdkCall("ssm", "GetParameter", new JsonObject { ["Name"] = SsmRequestsMatchTheAwsSdkTests.Parameter, ["WithDecryption"] = true }));
        _snsSdk = sdk[0];
        _kmsSdk = sdk[1];
        _ssmSdk = sdk[2];
        _kmsOurs = WireRequest.Parse("POST", "/", "application/x-amz-json-1.1", "TrentService.GetPublicKey", kmsInput.ToJsonString());

        Assert.That(WireRequest.Differences(_snsOurs, _snsSdk), Is.Empty, "the unaltered SNS pair must agree for the alterations to mean anything");
        Assert.That(WireRequest.Differences(_kmsOurs, _kmsSdk), Is.Empty, "the unaltered KMS pair must agree for the alterations to mean anything");
        Assert.That(WireRequest.Differences(_ssmOurs, _ssmSdk), Is.Empty, "the unaltered SSM pair must agree for the alterations to mean anything");
    }

    private static IEnumerable<TestCaseData> SnsAlterations()
    {
        yield return Case("a misspelt attribute member", "MessageAttributes.entry.1.Value.StringValue", f => Rename(f, "MessageAttributes.entry.1.Value.StringValue", "MessageAttributes.entry.1.Value.Value"));
        yield return Case("a flattened map (no .entry.)", "MessageAttributes.entry.1.Name", f => f.Select(kv => new KeyValuePair<string, string>(kv.Key.Replace(".entry.", ".", StringComparison.Ordinal), kv.Value)).ToList());
        yield return Case("attributes counted from 0", "MessageAttributes.entry.1.Name", f => f.Select(kv => new KeyValuePair<string, string>(kv.Key.Replace("entry.1.", "entry.0.", StringComparison.Ordinal), kv.Value)).ToList());
        yield return Case("a dropped group id", "MessageGroupId", f => f.Where(kv => kv.Key != "MessageGroupId").ToList());
        yield return Case("another API version", "Version", f => Revalue(f, "Version", "2012-11-05"));
        yield return Case("another action", "Action", f => Revalue(f, "Action", "PublishMessage"));
        yield return Case("a changed message", "Message", f => Revalue(f, "Message", "{\"type\":\"OrgCreated.v2\"}"));
        yield return Case("an extra field", "Subject", f => [.. f, new("Subject", "")]);
        yield return Case("a field sent twice", "TopicArn", f => [.. f, new("TopicArn", SnsTestKit.TopicArn)]);

        static TestCaseData Case(string name, string field, Func<IReadOnlyList<KeyValuePair<string, string>>, IReadOnlyList<KeyValuePair<string, string>>> alter) =>
            new TestCaseData(field, alter).SetName($"SNS request with {name} is reported");
    }

    [TestCaseSource(nameof(SnsAlterations))]
    public void Sns_alteration_is_reported(string field, Func<IReadOnlyList<KeyValuePair<string, string>>, IReadOnlyList<KeyValuePair<string, string>>> alter)
    {
        var altered = _snsOurs with { Form = alter(_snsOurs.Form!) };

        Assert.That(WireRequest.Differences(altered, _snsSdk), Has.Some.Contains(field));
    }

    [Test]
    public void Sns_request_with_a_json_content_type_is_reported()
    {
        var altered = _snsOurs with { MediaType = "application/x-amz-json-1.0" };

        Assert.That(WireRequest.Differences(altered, _snsSdk), Has.Some.Contains("media type"));
    }

    [Test]
    public void Sns_request_declaring_another_charset_is_reported()
    {
        var altered = _snsOurs with { Charset = "iso-8859-1" };

        Assert.That(WireRequest.Differences(altered, _snsSdk), Has.Some.Contains("charset"));
    }

    [Test]
    public void Sns_request_sent_as_GET_is_reported()
    {
        Assert.That(WireRequest.Differences(_snsOurs with { Method = "GET" }, _snsSdk), Has.Some.Contains("method"));
    }

    [TestCase("TrentService.GetPublicKeys")]
    [TestCase("KMS.GetPublicKey")]
    [TestCase(null)]
    public void Kms_request_with_another_target_is_reported(string? target)
    {
        Assert.That(WireRequest.Differences(_kmsOurs with { Target = target }, _kmsSdk), Has.Some.Contains("X-Amz-Target"));
    }

    [Test]
    public void Kms_request_with_json_1_0_is_reported()
    {
        Assert.That(WireRequest.Differences(_kmsOurs with { MediaType = "application/x-amz-json-1.0" }, _kmsSdk), Has.Some.Contains("media type"));
    }

    [TestCase("""{"KeyID":"alias/cleancqrs-jwt"}""", "KeyId")]
    [TestCase("""{"keyId":"alias/cleancqrs-jwt"}""", "KeyId")]
    [TestCase("""{"KeyId":"alias/other"}""", "KeyId")]
    [TestCase("""{"KeyId":"alias/cleancqrs-jwt","GrantTokens":[]}""", "GrantTokens")]
    public void Kms_request_with_an_altered_body_is_reported(string body, string member)
    {
        var altered = _kmsOurs with { Json = JsonNode.Parse(body) };

        Assert.That(WireRequest.Differences(altered, _kmsSdk), Has.Some.Contains(member));
    }

    // The ways a GetParameter call could be misread: no decryption (SSM would hand back the ciphertext),
    // another parameter, the plural operation's shape, or member names spelt as other SDKs spell them.
    [TestCase("""{"Name":"/cleancqrs/smtp-password","WithDecryption":false}""", "WithDecryption")]
    [TestCase("""{"Name":"/cleancqrs/smtp-password"}""", "WithDecryption")]
    [TestCase("""{"Name":"/cleancqrs/smtp-password","WithDecryption":"true"}""", "WithDecryption")]
    [TestCase("""{"Name":"/cleancqrs/smtp-password","withDecryption":true}""", "withDecryption")]
    [TestCase("""{"name":"/cleancqrs/smtp-password","WithDecryption":true}""", "Name")]
    [TestCase("""{"Name":"cleancqrs/smtp-password","WithDecryption":true}""", "Name")]
    [TestCase("""{"Names":["/cleancqrs/smtp-password"],"WithDecryption":true}""", "Names")]
    public void Ssm_request_with_an_altered_body_is_reported(string body, string member)
    {
        var altered = _ssmOurs with { Json = JsonNode.Parse(body) };

        Assert.That(WireRequest.Differences(altered, _ssmSdk), Has.Some.Contains(member));
    }

    [TestCase("AmazonSSM.GetParameters")]
    [TestCase("SSM.GetParameter")]
    [TestCase(null)]
    public void Ssm_request_with_another_target_is_reported(string? target)
    {
        Assert.That(WireRequest.Differences(_ssmOurs with { Target = target }, _ssmSdk), Has.Some.Contains("X-Amz-Target"));
    }

    [Test]
    public void Ssm_request_with_json_1_0_is_reported()
    {
        Assert.That(WireRequest.Differences(_ssmOurs with { MediaType = "application/x-amz-json-1.0" }, _ssmSdk), Has.Some.Contains("media type"));
    }

    private static List<KeyValuePair<string, string>> Rename(IReadOnlyList<KeyValuePair<string, string>> fields, string from, string to) =>
        fields.Select(kv => kv.Key == from ? new KeyValuePair<string, string>(to, kv.Value) : kv).ToList();

    private static List<KeyValuePair<string, string>> Revalue(IReadOnlyList<KeyValuePair<string, string>> fields, string name, string value) =>
        fields.Select(kv => kv.Key == name ? new KeyValuePair<string, string>(name, value) : kv).ToList();
}
