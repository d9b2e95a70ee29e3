using System.Text.Json;
using System.Text.Json.Nodes;
using CleanCqrs.Application.Common.EventSourcing;
using CleanCqrs.Domain.Orgs;
using CleanCqrs.Infrastructure.Serialization;
using CleanCqrs.LambdaHost.Lambda.Events;
using CleanCqrs.LambdaHost.Tests.Support;

namespace CleanCqrs.LambdaHost.Tests;

/// <summary>
/// The SQS records the deployed stack produces: SNS FIFO → SQS FIFO with raw message delivery, so the
/// body is our envelope as published and the SNS message attribute <c>eventType</c> arrives as an SQS
/// message attribute (Lambda's lower-case form), beside the FIFO system attributes and the X-Ray header.
/// Built from the Lambda developer guide's FIFO sample record.
/// </summary>
public sealed class RawDeliveryFifoTests
{
    private TestHost _host = null!;

    [SetUp]
    public void SetUp() => _host = new TestHost();

    [TearDown]
    public void TearDown() => _host.Dispose();

    [Test]
    public void The_record_reads_with_its_eventType_attribute_equal_to_the_body_type()
    {
        var stored = Event("acme", 1);
        var @event = RawDelivered(stored);

        var parsed = JsonSerializer.Deserialize(AwsEvents.Bytes(@event), LambdaJson.Context.SqsEvent)!;
        var record = parsed.Records!.Single();

        Assert.Multiple(() =>
        {
            Assert.That(record.MessageAttributes!["eventType"].StringValue, Is.EqualTo("OrgCreated.v1"));
            Assert.That(record.MessageAttributes["eventType"].DataType, Is.EqualTo("String"));
            Assert.That(record.Attributes!.MessageGroupId, Is.EqualTo("org-acme"));
            Assert.That(record.Attributes.MessageDeduplicationId, Is.EqualTo(stored.EventId.ToString("D")));
            Assert.That(record.Attributes.AwsTraceHeader, Does.StartWith("Root=1-"));
            Assert.That(JsonNode.Parse(record.Body!)!["type"]!.GetValue<string>(), Is.EqualTo(record.MessageAttributes["eventType"].StringValue));
        });
    }

    [Test]
    public async Task Raw_delivered_events_of_one_stream_are_projected_in_order()
    {
        var @event = RawDelivered(Event("acme", 1), Event("acme", 2));

        var raw = await _host.Function.HandleAsync(AwsEvents.Bytes(@event), _host.NewContext(), CancellationToken.None);

        Assert.That(JsonNode.Parse(raw)!["batchItemFailures"]!.AsArray(), Is.Empty);
        var org = await _host.Orgs.GetAsync("acme", default);
        Assert.That(org!.Version, Is.EqualTo(2));
        Assert.That(org.Name, Is.EqualTo("Acme v2"));
    }

    private static JsonObject RawDelivered(params StoredEvent[] events)
    {
        var @event = AwsEvents.Load("sqs-fifo-event.json");
        var template = @event["Records"]![0]!;
        var records = new JsonArray();
        var sequence = 18849496460467696128m;
        foreach (var stored in events)
        {
            var record = template.DeepClone();
            record["messageId"] = Guid.NewGuid().ToString();
            record["body"] = EventSerializer.ToEnvelopeJson(stored);
            var attributes = record["attributes"]!.AsObject();
            attributes["MessageGroupId"] = stored.StreamId;
            attributes["MessageDeduplicationId"] = stored.EventId.ToString("D");
            attributes["SequenceNumber"] = (sequence++).ToString(System.Globalization.CultureInfo.InvariantCulture);
            attributes["AWSTraceHeader"] = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";
            record["messageAttributes"] = new JsonObject
            {
                ["eventType"] = new JsonObject
                {
                    ["stringValue"] = EventSerializer.TypeName(stored.Data),
                    ["stringListValues"] = new JsonArray(),
                    ["binaryListValues"] = new JsonArray(),
                    ["dataType"] = "String",
                },
            };
            records.Add(record);
        }

        @event["Records"] = records;
        return @event;
    }

    private static StoredEvent Event(string orgId, long version)
    {
        var at = TestHost.Start.AddMinutes(version);
        var data = version == 1
            ? (Domain.Common.IDomainEvent)new OrgCreated(orgId, "Acme v1", "Jakarta", null, at)
            : new OrgUpdated(orgId, $"Acme v{version}", "Jakarta", null, at);
        return new StoredEvent(Guid.NewGuid(), "org-" + orgId, version, data, at, new EventMetadata("corr", null));
    }
}
