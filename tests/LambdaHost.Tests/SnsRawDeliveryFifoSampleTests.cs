using System.Text.Json;
using System.Text.Json.Nodes;
using CleanCqrs.Application.Common.EventSourcing;
using CleanCqrs.Domain.Orgs;
using CleanCqrs.Infrastructure.Serialization;
using CleanCqrs.LambdaHost.Lambda.Events;
using CleanCqrs.LambdaHost.Tests.Support;
using Microsoft.Extensions.Logging;

namespace CleanCqrs.LambdaHost.Tests;

/// <summary>
/// <c>Events/sqs-sns-raw-fifo-event.json</c>: the Lambda SQS event of two commits of one stream as the
/// deployed stack delivers them (SNS FIFO topic → SQS FIFO queue, <c>RawMessageDelivery: true</c>),
/// assembled from AWS's documented shapes (Events/README.md says which part comes from where). The
/// body is our wire envelope as published, the publisher's <c>eventType</c> arrives as an SQS message
/// attribute, and the consumer must read both and refuse a record on which they disagree.
/// </summary>
public sealed class SnsRawDeliveryFifoSampleTests
{
    private const string Sample = "sqs-sns-raw-fifo-event.json";

    private static readonly DateTimeOffset At = new(2026, 11, 27, 9, 30, 0, TimeSpan.Zero);

    private TestHost _host = null!;

    [SetUp]
    public void SetUp() => _host = new TestHost();

    [TearDown]
    public void TearDown() => _host.Dispose();

    /// <summary>The two events the sample carries, as the service stored and published them.</summary>
    public static IReadOnlyList<StoredEvent> Published { get; } =
    [
        new(Guid.Parse("5d8f1b0e-8a55-4c1b-9f3e-2f6a1c7d9e40"), "org-acme", 1,
            new OrgCreated("acme", "Acme", "Jakarta", null, At), At, new EventMetadata("req-7f3c2a", null)),
        new(Guid.Parse("0c2e7a91-3b64-4f08-a1d5-6e9b8c4f2a17"), "org-acme", 2,
            new OrgUpdated("acme", "Acme Pte", "Singapore", "Makers", At.AddMinutes(1)), At.AddMinutes(1), new EventMetadata("req-81d0e4", null)),
    ];

    [Test]
    public void The_sample_carries_what_our_publisher_sends_as_body_group_deduplication_id_and_eventType()
    {
        var records = AwsEvents.Load(Sample)["Records"]!.AsArray();

        Assert.That(records, Has.Count.EqualTo(Published.Count));
        for (var i = 0; i < Published.Count; i++)
        {
            var record = records[i]!;
            var stored = Published[i];
            Assert.Multiple(() =>
            {
                Assert.That(record["body"]!.GetValue<string>(), Is.EqualTo(EventSerializer.ToEnvelopeJson(stored)));
                Assert.That(record["attributes"]!["MessageGroupId"]!.GetValue<string>(), Is.EqualTo(stored.StreamId));
                Assert.That(record["attributes"]!["MessageDeduplicationId"]!.GetValue<string>(), Is.EqualTo(stored.EventId.ToString("D")));
                Assert.That(record["messageAttributes"]!["eventType"]!["stringValue"]!.GetValue<string>(), Is.EqualTo(EventSerializer.TypeName(stored.Data)));
            });
        }
    }

    [Test]
    public void The_sample_reads_into_the_event_contract_with_every_member_the_consumer_uses()
    {
        var parsed = JsonSerializer.Deserialize(AwsEvents.Bytes(AwsEvents.Load(Sample)), LambdaJson.Context.SqsEvent)!;
        var record = parsed.Records!.First();

        Assert.Multiple(() =>
        {
            Assert.That(record.MessageId, Is.EqualTo("11d6ee51-4cc7-4302-9e22-7cd8afdaadf5"));
            Assert.That(record.EventSource, Is.EqualTo("aws:sqs"));
            Assert.That(record.EventSourceArn, Does.EndWith(".fifo"));
            Assert.That(record.MessageAttributes!["eventType"].StringValue, Is.EqualTo("OrgCreated.v1"));
            Assert.That(record.MessageAttributes["eventType"].DataType, Is.EqualTo("String"));
            Assert.That(record.Attributes!.MessageGroupId, Is.EqualTo("org-acme"));
            Assert.That(record.Attributes.MessageDeduplicationId, Is.EqualTo("5d8f1b0e-8a55-4c1b-9f3e-2f6a1c7d9e40"));
            Assert.That(record.Attributes.SequenceNumber, Has.Length.EqualTo(20));
            Assert.That(record.Attributes.ApproximateReceiveCount, Is.EqualTo("1"));
            Assert.That(record.Attributes.SenderId, Is.Not.Empty);
        });
    }

    [Test]
    public async Task The_sample_through_the_function_projects_both_events_in_order()
    {
        var failures = await HandleAsync(AwsEvents.Load(Sample));

        Assert.That(failures, Is.Empty);
        var org = await _host.Orgs.GetAsync("acme", default);
        Assert.That((org!.Version, org.Name, org.Location, org.Description), Is.EqualTo((2L, "Acme Pte", "Singapore", "Makers")));
        Assert.That(_host.Logs.Entries.Where(e => e.Level >= LogLevel.Warning), Is.Empty);
    }

    // What a misread attribute, another publisher or a corrupted message would look like: each must fail.
    [TestCase("OrgUpdated.v1", "String", TestName = "Attribute naming another known type")]
    [TestCase("OrgRenamed.v9", "String", TestName = "Attribute naming an unknown type")]
    [TestCase("orgcreated.v1", "String", TestName = "Attribute differing in case")]
    [TestCase("OrgCreated.v1 ", "String", TestName = "Attribute with a trailing space")]
    [TestCase("", "String", TestName = "Empty attribute")]
    [TestCase("OrgCreated.v1", "Number", TestName = "Attribute of another data type")]
    [TestCase("OrgCreated.v1", "String.Array", TestName = "Attribute of SNS's String.Array type")]
    public async Task An_eventType_attribute_that_does_not_vouch_for_the_body_fails_the_record_and_the_rest_of_its_group(string value, string dataType)
    {
        var @event = AwsEvents.Load(Sample);
        var attribute = @event["Records"]![0]!["messageAttributes"]!["eventType"]!;
        attribute["stringValue"] = value;
        attribute["dataType"] = dataType;

        var failures = await HandleAsync(@event);

        Assert.That(failures, Is.EqualTo(new[] { "11d6ee51-4cc7-4302-9e22-7cd8afdaadf5", "2fc3a9d7-6b1e-4c5a-8e0f-7d4b9a3c1e62" }),
            "the refused record, and the next of its group behind it");
        Assert.That(await _host.Orgs.GetAsync("acme", default), Is.Null, "neither event was projected");
        var refusal = _host.Logs.Entries.Single(e => e.Message.Contains("is refused", StringComparison.Ordinal));
        Assert.That(refusal.Level, Is.EqualTo(LogLevel.Error));
        Assert.That(refusal.Message, Does.Contain("11d6ee51-4cc7-4302-9e22-7cd8afdaadf5").And.Contain("OrgCreated.v1").And.Contain("eventType"));
    }

    [Test]
    public async Task A_record_without_the_eventType_attribute_fails_naming_what_is_missing()
    {
        var @event = AwsEvents.Load(Sample);
        @event["Records"]![1]!["messageAttributes"] = new JsonObject();

        var failures = await HandleAsync(@event);

        Assert.That(failures, Is.EqualTo(new[] { "2fc3a9d7-6b1e-4c5a-8e0f-7d4b9a3c1e62" }), "only the second record; the first is projected");
        Assert.That((await _host.Orgs.GetAsync("acme", default))!.Version, Is.EqualTo(1));
        var refusal = _host.Logs.Entries.Single(e => e.Level == LogLevel.Error);
        Assert.That(refusal.Message, Does.Contain("2fc3a9d7-6b1e-4c5a-8e0f-7d4b9a3c1e62").And.Contain("no eventType attribute").And.Contain("OrgUpdated.v1"));
    }

    [Test]
    public async Task Another_attribute_beside_eventType_changes_nothing()
    {
        var @event = AwsEvents.Load(Sample);
        foreach (var record in @event["Records"]!.AsArray())
        {
            record!["messageAttributes"]!["traceparent"] = new JsonObject
            {
                ["stringValue"] = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
                ["stringListValues"] = new JsonArray(),
                ["binaryListValues"] = new JsonArray(),
                ["dataType"] = "String",
            };
        }

        Assert.That(await HandleAsync(@event), Is.Empty);
        Assert.That((await _host.Orgs.GetAsync("acme", default))!.Version, Is.EqualTo(2));
    }

    private async Task<string[]> HandleAsync(JsonObject @event)
    {
        var raw = await _host.Function.HandleAsync(AwsEvents.Bytes(@event), _host.NewContext(), CancellationToken.None);
        return [.. JsonNode.Parse(raw)!["batchItemFailures"]!.AsArray().Select(f => f!["itemIdentifier"]!.GetValue<string>())];
    }
}
