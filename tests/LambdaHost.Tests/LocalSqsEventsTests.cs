using System.Text;
using System.Text.Json.Nodes;
using CleanCqrs.LambdaHost.Local;

namespace CleanCqrs.LambdaHost.Tests;

public sealed class LocalSqsEventsTests
{
    private static readonly DateTimeOffset SentAt = new(2026, 11, 27, 9, 0, 0, TimeSpan.Zero);

    private static readonly LocalSqsRecord[] Batch =
    [
        new("m1", "org-a", "e1", "{\"a\":1}", 1, SentAt, "OrgCreated.v1"),
        new("m2", "org-a", "e2", "{\"a\":2}", 3, SentAt.AddMilliseconds(5), "OrgUpdated.v1"),
    ];

    [Test]
    public void Builds_an_sqs_fifo_event_as_lambda_delivers_it()
    {
        var @event = JsonNode.Parse(LocalSqsEvents.BuildEvent(Batch))!;

        var records = @event["Records"]!.AsArray();
        Assert.That(records, Has.Count.EqualTo(2));
        var second = records[1]!;
        Assert.That(second["messageId"]!.GetValue<string>(), Is.EqualTo("m2"));
        Assert.That(second["body"]!.GetValue<string>(), Is.EqualTo("{\"a\":2}"));
        Assert.That(second["eventSource"]!.GetValue<string>(), Is.EqualTo("aws:sqs"));
        Assert.That(second["eventSourceARN"]!.GetValue<string>(), Is.EqualTo(LocalSqsEvents.QueueArn));
        Assert.That(second["attributes"]!["MessageGroupId"]!.GetValue<string>(), Is.EqualTo("org-a"));
        Assert.That(second["attributes"]!["MessageDeduplicationId"]!.GetValue<string>(), Is.EqualTo("e2"));
        Assert.That(second["attributes"]!["ApproximateReceiveCount"]!.GetValue<string>(), Is.EqualTo("3"));
        Assert.That(second["attributes"]!["SentTimestamp"]!.GetValue<string>(), Is.EqualTo("1795770000005"));
        Assert.That(second["attributes"]!["SequenceNumber"]!.GetValue<string>(), Has.Length.EqualTo(20));
        Assert.That(second["messageAttributes"]!["eventType"]!["stringValue"]!.GetValue<string>(), Is.EqualTo("OrgUpdated.v1"));
        Assert.That(second["messageAttributes"]!["eventType"]!["dataType"]!.GetValue<string>(), Is.EqualTo("String"));
    }

    [TestCase("", new string[0])]
    [TestCase("null", new string[0])]
    [TestCase("{}", new string[0])]
    [TestCase("""{"batchItemFailures":null}""", new string[0])]
    [TestCase("""{"batchItemFailures":[]}""", new string[0])]
    [TestCase("""{"batchItemFailures":[{"itemIdentifier":"m2"}]}""", new[] { "m2" })]
    [TestCase("""{"batchItemFailures":[{"itemIdentifier":""}]}""", new[] { "m1", "m2" })]
    [TestCase("""{"batchItemFailures":[{"itemIdentifier":null}]}""", new[] { "m1", "m2" })]
    [TestCase("""{"batchItemFailures":[{"itemId":"m2"}]}""", new[] { "m1", "m2" })]
    [TestCase("""{"batchItemFailures":[{"itemIdentifier":"m9"}]}""", new[] { "m1", "m2" })]
    [TestCase("""{"batchItemFailures":"m2"}""", new[] { "m1", "m2" })]
    [TestCase("""not json""", new[] { "m1", "m2" })]
    public void Reads_the_batch_response_with_the_rules_aws_applies(string response, string[] failed)
    {
        var ids = LocalSqsEvents.ParseFailedMessageIds(Encoding.UTF8.GetBytes(response), Batch);

        Assert.That(ids, Is.EquivalentTo(failed));
    }

    [Test]
    public void Reads_the_published_sample_response()
    {
        using var stream = typeof(LocalSqsEventsTests).Assembly.GetManifestResourceStream("Events.sqs-batch-response.json")!;
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        LocalSqsRecord[] batch = [.. new[] { "id1", "id2", "id3", "id4" }.Select(id => Batch[0] with { MessageId = id })];

        Assert.That(LocalSqsEvents.ParseFailedMessageIds(buffer.ToArray(), batch), Is.EquivalentTo(new[] { "id2", "id4" }));
    }
}
