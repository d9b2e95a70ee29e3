using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using CsCheck;

namespace CleanCqrs.Reliability.Tests.HostileInput;

/// <summary>What a record's body is, as far as the test can know before the function sees it.</summary>
public enum RecordBody
{
    /// <summary>Holds no event: the record must be reported failed.</summary>
    NoEvent,

    /// <summary>An event the service already has (a redelivery), or one so far ahead that catching up finds nothing: it must succeed.</summary>
    HarmlessEvent,

    /// <summary>An event envelope with a member dropped or blanked: decoding may or may not accept it, but it must change nothing.</summary>
    Doubtful,
}

/// <param name="EventType">The <c>eventType</c> SQS message attribute (raw delivery), or null for none.</param>
public sealed record HostileSqsRecord(string Kind, string? MessageId, string? GroupId, string? Body, RecordBody Content, string? EventType = null);

/// <summary>One SQS batch as the Lambda event source would deliver it, with adversarial records.</summary>
public sealed record HostileSqsBatch(IReadOnlyList<HostileSqsRecord> Records)
{
    public bool LacksMessageId => Records.Any(r => string.IsNullOrEmpty(r.MessageId));

    public byte[] ToEvent()
    {
        var records = new JsonArray();
        for (var i = 0; i < Records.Count; i++)
        {
            var record = Records[i];
            var attributes = new JsonObject
            {
                ["ApproximateReceiveCount"] = "1",
                ["SentTimestamp"] = "1773342238000",
                ["SenderId"] = "AIDAIENQZJOLO23YVJ4VO",
                ["ApproximateFirstReceiveTimestamp"] = "1773342238001",
                ["SequenceNumber"] = (18849496460467696128m + i).ToString(CultureInfo.InvariantCulture),
                ["MessageDeduplicationId"] = record.MessageId ?? "none",
            };
            if (record.GroupId is not null)
            {
                attributes["MessageGroupId"] = record.GroupId;
            }

            var message = new JsonObject
            {
                ["receiptHandle"] = "AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a",
                ["body"] = record.Body,
                ["attributes"] = attributes,
                ["messageAttributes"] = record.EventType is null
                    ? new JsonObject()
                    : new JsonObject
                    {
                        ["eventType"] = new JsonObject
                        {
                            ["stringValue"] = record.EventType,
                            ["stringListValues"] = new JsonArray(),
                            ["binaryListValues"] = new JsonArray(),
                            ["dataType"] = "String",
                        },
                    },
                ["md5OfBody"] = "e4e68fb7bd0e697a0ae8f1bb342846b3",
                ["eventSource"] = "aws:sqs",
                ["eventSourceARN"] = "arn:aws:sqs:us-east-2:123456789012:cleancqrs-events.fifo",
                ["awsRegion"] = "us-east-2",
            };
            if (record.MessageId is not null)
            {
                message["messageId"] = record.MessageId;
            }

            records.Add(message);
        }

        return Encoding.UTF8.GetBytes(new JsonObject { [nameof(Records)] = records }.ToJsonString());
    }

    public override string ToString() =>
        string.Join("\n", Records.Select((r, i) => $"  [{i}] {r.Kind} ({r.Content}) id {r.MessageId ?? "(none)"} group {r.GroupId ?? "(none)"} eventType {r.EventType ?? "(none)"}: {Shorten(r.Body)}"));

    private static string Shorten(string? body) => body is null ? "(null)" : body.Length <= 200 ? body : $"{body[..200]}… ({body.Length} chars)";
}

/// <summary>
/// Adversarial SQS records: bodies that hold no event (garbage, JSON of every other shape, broken
/// envelopes, SNS notifications without a usable message, very deep or very large text), real events
/// whose <c>eventType</c> attribute is missing or names another type, redeliveries of events the
/// service already applied, and events from far ahead, in every mix of message groups. Events carry
/// the attribute as the publisher sets it: an SQS message attribute, or inside an SNS notification.
/// </summary>
public sealed class HostileSqsRecords(HostileWorld world)
{
    private static readonly string[] EnvelopeMembers = ["eventId", "streamId", "version", "type", "occurredAt", "data", "metadata"];

    public Gen<HostileSqsBatch> Batches =>
        Gen.Select(Record.Array[1, 10], Gen.Frequency((30, Gen.Const(0)), (1, Gen.Const(1)), (1, Gen.Const(2))), (generated, twist) =>
        {
            // Unique within the batch, unless the twist below repeats one on purpose.
            var records = generated.Select((r, i) => r with { MessageId = $"{r.MessageId}-{i}" }).ToArray();
            return new HostileSqsBatch(twist switch
            {
                // A record without a messageId cannot be reported alone: the whole batch is refused.
                1 => [.. records.Select((r, i) => i == 0 ? r with { MessageId = null } : r)],
                // The same id twice in one batch.
                2 when records.Length > 1 => [.. records.Select((r, i) => i == 1 ? r with { MessageId = records[0].MessageId } : r)],
                _ => records,
            });
        });

    private Gen<HostileSqsRecord> Record =>
        from body in Gen.Frequency(
            (5, NoEventBody.Select(b => (Kind: b.Kind, Body: b.Body, Content: RecordBody.NoEvent, Stream: (string?)null, EventType: (string?)null))),
            (3, Replay.Select(b => (Kind: b.Kind, Body: (string?)b.Body, Content: RecordBody.HarmlessEvent, Stream: (string?)b.Stream, b.EventType))),
            (1, Disowned.Select(b => (Kind: b.Kind, Body: (string?)b.Body, Content: RecordBody.NoEvent, Stream: (string?)b.Stream, b.EventType))),
            (2, BrokenEnvelope.Select(b => (b.Kind, b.Body, b.Content, Stream: (string?)b.Stream, b.EventType))))
        from id in Gen.Int.Select(n => "msg-" + n.ToString("x8", CultureInfo.InvariantCulture))
        from groupId in Gen.Frequency(
            (4, Gen.Const(body.Stream)),
            (4, Gen.OneOf(world.ReplayableEnvelopes.Select(e => (string?)e["streamId"]!.GetValue<string>()).Distinct().ToArray())),
            (1, Gen.OneOf<string?>(null, "", "org-elsewhere", "\u202e\u0000")))
        select new HostileSqsRecord(body.Kind, id, groupId, body.Body, body.Content, body.EventType);

    private static Gen<(string Kind, string? Body)> NoEventBody => Gen.Frequency(
        (3, HostileRequests.OddText.Select(t => ("garbage text", (string?)t))),
        (1, Gen.OneOf<string?>(null, "", " ", "null", "true", "0", "\"OrgCreated.v1\"", "[]", "{}", "[{}]", "{\"Type\":\"Notification\"}",
            "{\"Type\":\"Notification\",\"Message\":null}", "{\"Type\":\"Notification\",\"Message\":42}", "{\"Type\":\"Notification\",\"Message\":\"\"}",
            "{\"Type\":\"Notification\",\"Message\":\"{}\"}", "{\"Type\":\"Notification\",\"Message\":\"not json\"}",
            "{\"type\":\"Notification\",\"Message\":\"{}\"}", "{\"eventId\":\"x\"}").Select(b => ("fixed odd body", b))),
        (2, Gen.String[Gen.Char["{}[]\":,\\ ntrufalse0123456789.eE+-"], 0, 120].Select(b => ("json-ish", (string?)b))),
        (1, Gen.Int[65, 5_000].Select(depth => ("deep nesting", (string?)(new string('[', depth) + new string(']', depth))))),
        (1, Gen.OneOf(300_000, 1_000_000).Select(size => ("huge body", (string?)new string('x', size)))),
        (1, Gen.String[Gen.Char, 1, 100].Select(b => ("any characters", (string?)b))));

    /// <summary>A real, already applied event (raw, or in an SNS notification), or one from far ahead of the store.</summary>
    private Gen<(string Kind, string Body, string Stream, string? EventType)> Replay =>
        from envelope in Gen.OneOf(world.ReplayableEnvelopes.ToArray())
        from ahead in Gen.Frequency((4, Gen.Const(0L)), (1, Gen.OneOf(1_000_000L, long.MaxValue / 2)))
        from viaSns in Gen.Bool
        let copy = With(envelope, "version", ahead == 0 ? envelope["version"]!.DeepClone() : JsonValue.Create(ahead))
        let type = TypeOf(envelope)
        select (ahead == 0 ? "redelivery" : "far ahead",
            viaSns ? Sns(copy.ToJsonString(), type) : copy.ToJsonString(),
            envelope["streamId"]!.GetValue<string>(),
            viaSns ? null : type);

    /// <summary>A real event far ahead (it would be applied) whose <c>eventType</c> attribute is missing or does not name its type.</summary>
    private Gen<(string Kind, string Body, string Stream, string? EventType)> Disowned =>
        from envelope in Gen.OneOf(world.ReplayableEnvelopes.ToArray())
        from attribute in Gen.OneOf<string?>(null, "", "OrgUpdated.v1", "OrgCreated.v1", "orgcreated.v1", "OrgRenamed.v9", " ", "\u202e")
        where attribute != TypeOf(envelope)
        from viaSns in Gen.Bool
        let copy = With(envelope, "version", JsonValue.Create(1_000_000L))
        select ($"far ahead, eventType {(attribute is null ? "missing" : "'" + attribute + "'")}{(viaSns ? " in the notification" : "")}",
            viaSns ? Sns(copy.ToJsonString(), attribute) : copy.ToJsonString(),
            envelope["streamId"]!.GetValue<string>(),
            viaSns ? null : attribute);

    /// <summary>A real envelope with one member dropped or replaced by a value of the wrong kind; the attribute is the publisher's.</summary>
    private Gen<(string Kind, string? Body, RecordBody Content, string Stream, string? EventType)> BrokenEnvelope =>
        from envelope in Gen.OneOf(world.ReplayableEnvelopes.ToArray())
        from member in Gen.OneOf(EnvelopeMembers)
        from replacement in Gen.OneOf<JsonNode?>(null, JsonValue.Create("x"), JsonValue.Create(0), JsonValue.Create(-1), JsonValue.Create(1.5),
            JsonValue.Create(""), new JsonArray(), new JsonObject(), JsonValue.Create(true), JsonValue.Create("\ud800"), JsonValue.Create("OrgDeleted.v1"))
        from drop in Gen.Bool
        from viaSns in Gen.Bool
        let broken = drop ? Without(envelope, member) : With(envelope, member, replacement)
        select ($"envelope with {member} {(drop ? "dropped" : "replaced by " + (replacement?.ToJsonString() ?? "null"))}",
            (string?)(viaSns ? Sns(broken.ToJsonString(), TypeOf(envelope)) : broken.ToJsonString()),
            Classify(member, drop, replacement),
            envelope["streamId"]!.GetValue<string>(),
            viaSns ? null : TypeOf(envelope));

    /// <summary>Which broken envelopes certainly hold no event; the rest the decoder may read with defaults.</summary>
    private static RecordBody Classify(string member, bool dropped, JsonNode? replacement) => member switch
    {
        // Any other non-empty text is a stream id: the event decodes, and no projection reads such a stream.
        "streamId" when !dropped && replacement is JsonValue value && value.TryGetValue<string>(out var text) && text.Length > 0 => RecordBody.Doubtful,
        "streamId" or "type" or "version" => RecordBody.NoEvent,
        "data" when dropped || replacement is null || replacement is JsonArray || replacement is JsonValue => RecordBody.NoEvent,
        _ => RecordBody.Doubtful,
    };

    private static JsonObject With(JsonObject source, string name, JsonNode? value)
    {
        var copy = source.DeepClone().AsObject();
        copy[name] = value?.DeepClone();
        return copy;
    }

    private static JsonObject Without(JsonObject source, string name)
    {
        var copy = source.DeepClone().AsObject();
        copy.Remove(name);
        return copy;
    }

    private static string TypeOf(JsonObject envelope) => envelope["type"]!.GetValue<string>();

    /// <summary>The SNS notification an SQS subscriber without raw delivery receives, with the publisher's <c>eventType</c> if any.</summary>
    private static string Sns(string message, string? eventType)
    {
        var notification = new JsonObject
        {
            ["Type"] = "Notification",
            ["MessageId"] = "5f3d3b8c-5c1e-5b6a-9e3a-0c8f5f0c7a11",
            ["SequenceNumber"] = "10000000000000003000",
            ["TopicArn"] = "arn:aws:sns:us-east-2:123456789012:cleancqrs-events.fifo",
            ["Message"] = message,
            ["Timestamp"] = "2026-03-12T19:03:58.000Z",
            ["UnsubscribeURL"] = "https://sns.us-east-2.amazonaws.com/?Action=Unsubscribe",
        };
        if (eventType is not null)
        {
            notification["MessageAttributes"] = new JsonObject
            {
                ["eventType"] = new JsonObject { ["Type"] = "String", ["Value"] = eventType },
            };
        }

        return notification.ToJsonString();
    }
}
