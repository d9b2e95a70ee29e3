using System.Text.Json.Nodes;
using CleanCqrs.Application.Common.EventSourcing;
using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Domain.Orgs;
using CleanCqrs.Infrastructure.Delivery.Sms;
using CleanCqrs.Infrastructure.Messaging.Sns;
using CleanCqrs.Infrastructure.Serialization;
using CleanCqrs.Infrastructure.Tests.Sns;
using Microsoft.Extensions.Logging.Abstractions;

namespace CleanCqrs.Infrastructure.Tests.AwsSdk;

/// <summary>
/// Every SNS call the service makes, sent by our client to a recorder and built by the official AWS
/// SDK for JavaScript v3 from the same inputs: action, version, every form field and value, media
/// type and method must agree. A misread parameter name cannot pass both.
/// </summary>
public sealed class SnsRequestsMatchTheAwsSdkTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 27, 9, 30, 0, TimeSpan.Zero);

    private FakeSnsServer _server = null!;
    private SnsClient _client = null!;

    [SetUp]
    public void SetUp()
    {
        _server = new FakeSnsServer();
        _client = SnsTestKit.Client(_server);
    }

    [TearDown]
    public async Task TearDown()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    [Test]
    public async Task Commit_publish_batch_matches_the_sdk_PublishBatch_with_group_dedup_and_eventType()
    {
        var commit = CommitOf("org-acme", 3);
        await new SnsCommitPublisher(_client, SnsTestKit.TopicArn, NullLogger<SnsCommitPublisher>.Instance)
            .PublishAsync(commit, CancellationToken.None);

        // Built from the spec, not from our request: group = stream, dedup = event id, eventType attribute.
        var entries = new JsonArray(commit.Events.Select(e => (JsonNode)new JsonObject
        {
            ["Id"] = e.EventId.ToString("N"),
            ["Message"] = EventSerializer.ToEnvelopeJson(e),
            ["MessageGroupId"] = e.StreamId,
            ["MessageDeduplicationId"] = e.EventId.ToString("D"),
            ["MessageAttributes"] = new JsonObject
            {
                ["eventType"] = new JsonObject { ["DataType"] = "String", ["StringValue"] = EventSerializer.TypeName(e.Data) },
            },
        }).ToArray());
        var sdk = await AwsSdkJs.CaptureAsync(new SdkCall("sns", "PublishBatch", new JsonObject
        {
            ["TopicArn"] = SnsTestKit.TopicArn,
            ["PublishBatchRequestEntries"] = entries,
        }));

        AssertSame(Ours(_server.Requests.Single()), sdk.Single());
    }

    [Test]
    public async Task Otp_sms_matches_the_sdk_Publish_to_a_phone_number_with_the_sms_type_attribute()
    {
        var message = new OtpMessage("sms", "+6591234567", "0123456789abcdef", "123456", At);
        await new SnsSmsSender(_client, NullLogger<SnsSmsSender>.Instance).SendAsync(message, CancellationToken.None);

        var sdk = await AwsSdkJs.CaptureAsync(new SdkCall("sns", "Publish", new JsonObject
        {
            ["PhoneNumber"] = "+6591234567",
            ["Message"] = SnsSmsSender.Text(message),
            ["MessageAttributes"] = new JsonObject
            {
                ["AWS.SNS.SMS.SMSType"] = new JsonObject { ["DataType"] = "String", ["StringValue"] = "Transactional" },
            },
        }));

        AssertSame(Ours(_server.Requests.Single()), sdk.Single());
    }

    [Test]
    public async Task Topic_publish_with_every_field_and_awkward_characters_matches_the_sdk_Publish()
    {
        const string text = "Grüße & <xml/> a+b=c 100% \"quoted\"\nline two \u2603 \U0001F600";
        await _client.PublishAsync(
            new SnsPublishRequest
            {
                TopicArn = SnsTestKit.TopicArn,
                Message = text,
                Subject = "Subject with spaces",
                MessageGroupId = "org-acme",
                MessageDeduplicationId = "4f2d0f5e-2b8c-4a55-9d55-6b1c1e0c2a11",
                Attributes =
                [
                    new SnsMessageAttribute("eventType", "OrgCreated.v1"),
                    new SnsMessageAttribute("attempt", "3", "Number"),
                    new SnsMessageAttribute("tags", "[\"a\",\"b\"]", "String.Array"),
                ],
            },
            CancellationToken.None);

        var sdk = await AwsSdkJs.CaptureAsync(new SdkCall("sns", "Publish", new JsonObject
        {
            ["TopicArn"] = SnsTestKit.TopicArn,
            ["Message"] = text,
            ["Subject"] = "Subject with spaces",
            ["MessageGroupId"] = "org-acme",
            ["MessageDeduplicationId"] = "4f2d0f5e-2b8c-4a55-9d55-6b1c1e0c2a11",
            ["MessageAttributes"] = new JsonObject
            {
                ["eventType"] = new JsonObject { ["DataType"] = "String", ["StringValue"] = "OrgCreated.v1" },
                ["attempt"] = new JsonObject { ["DataType"] = "Number", ["StringValue"] = "3" },
                ["tags"] = new JsonObject { ["DataType"] = "String.Array", ["StringValue"] = "[\"a\",\"b\"]" },
            },
        }));

        AssertSame(Ours(_server.Requests.Single()), sdk.Single());
    }

    [Test]
    public async Task A_batch_split_in_two_calls_matches_two_sdk_PublishBatch_calls()
    {
        var commit = CommitOf("org-big", 12);
        await new SnsCommitPublisher(_client, SnsTestKit.TopicArn, NullLogger<SnsCommitPublisher>.Instance)
            .PublishAsync(commit, CancellationToken.None);

        var calls = commit.Events.Chunk(SnsClient.MaxBatchEntries)
            .Select(chunk => new SdkCall("sns", "PublishBatch", new JsonObject
            {
                ["TopicArn"] = SnsTestKit.TopicArn,
                ["PublishBatchRequestEntries"] = new JsonArray(chunk.Select(e => (JsonNode)new JsonObject
                {
                    ["Id"] = e.EventId.ToString("N"),
                    ["Message"] = EventSerializer.ToEnvelopeJson(e),
                    ["MessageGroupId"] = e.StreamId,
                    ["MessageDeduplicationId"] = e.EventId.ToString("D"),
                    ["MessageAttributes"] = new JsonObject
                    {
                        ["eventType"] = new JsonObject { ["DataType"] = "String", ["StringValue"] = EventSerializer.TypeName(e.Data) },
                    },
                }).ToArray()),
            }))
            .ToArray();
        var sdk = await AwsSdkJs.CaptureAsync(calls);

        Assert.That(_server.Requests, Has.Count.EqualTo(2));
        for (var i = 0; i < 2; i++)
        {
            AssertSame(Ours(_server.Requests[i]), sdk[i]);
        }
    }

    internal static WireRequest Ours(RecordedRequest request) =>
        WireRequest.Parse(request.Method, request.Path, request.Headers["Content-Type"], request.Headers["X-Amz-Target"], request.BodyText);

    internal static void AssertSame(WireRequest ours, WireRequest sdk)
    {
        Assert.That(sdk.Form, Is.Not.Null.And.Not.Empty, "the AWS SDK's request has no form fields: the capture is broken");
        Assert.That(WireRequest.Differences(ours, sdk), Is.Empty);
    }

    internal static Commit CommitOf(string streamId, int count)
    {
        var events = Enumerable.Range(1, count)
            .Select(v => new StoredEvent(
                Guid.NewGuid(),
                streamId,
                v,
                v == 1
                    ? new OrgCreated(streamId, "Acme", "Jakarta", null, At)
                    : new OrgUpdated(streamId, $"Acme {v}", "Jakarta", "d", At),
                At,
                new EventMetadata("corr-1")))
            .ToList();
        return new Commit(streamId, 0, events, new object(), At);
    }
}
