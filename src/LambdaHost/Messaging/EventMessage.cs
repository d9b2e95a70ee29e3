using System.Text.Json;
using CleanCqrs.Application.Common.EventSourcing;
using CleanCqrs.Infrastructure.Serialization;
using CleanCqrs.LambdaHost.Lambda.Events;

namespace CleanCqrs.LambdaHost.Messaging;

/// <summary>
/// Reads the stored event out of a queue record: the body is the wire envelope itself (raw delivery)
/// or an SNS notification carrying it in <c>Message</c>. The <c>eventType</c> message attribute the
/// publisher set must name the type the body carries: as an SQS message attribute with raw delivery,
/// inside the notification's <c>MessageAttributes</c> without it.
/// </summary>
public static class EventMessage
{
    /// <summary>The message attribute carrying the event's wire name (<c>OrgCreated.v1</c>), as the SNS publisher names it.</summary>
    public const string EventTypeAttribute = Infrastructure.Messaging.Sns.SnsCommitPublisher.EventTypeAttribute;

    /// <summary>The one data type the publishers give the attribute (SQS and SNS spell it alike).</summary>
    public const string StringDataType = "String";

    /// <summary>Attribute values are the sender's text; a log line quotes at most this much of one.</summary>
    private const int QuotedLength = 100;

    /// <summary>
    /// The event <paramref name="record"/> carries. Throws <see cref="JsonException"/> or
    /// <see cref="UnknownEventTypeException"/> when the body holds no event, and
    /// <see cref="EventTypeMismatchException"/> when the <c>eventType</c> attribute is missing, is not a
    /// String, or names another type than the body does.
    /// </summary>
    public static StoredEvent Decode(SqsMessage record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (string.IsNullOrEmpty(record.Body))
        {
            throw new JsonException("The message has no body.");
        }

        var notification = Notification(record.Body);
        var envelope = notification is null
            ? record.Body
            : notification.Message ?? throw new JsonException("The SNS notification has no Message.");
        var (stored, wireType) = EventSerializer.ReadEnvelope(envelope);
        CheckEventType(record.MessageAttributes, notification?.MessageAttributes, wireType);
        return stored;
    }

    /// <summary>The SNS notification <paramref name="body"/> is, or null when it is something else.</summary>
    private static SnsNotification? Notification(string body)
    {
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        // The envelope's own "type" is lower-case; only SNS writes "Type": "Notification".
        return root.ValueKind == JsonValueKind.Object
            && root.TryGetProperty("Type", out var type) && type.ValueKind == JsonValueKind.String
            && type.ValueEquals(SnsNotification.NotificationType)
                ? root.Deserialize(LambdaJson.Context.SnsNotification)
                : null;
    }

    /// <summary>
    /// Every place the attribute is found must agree with the body, and it must be found in one: with
    /// raw delivery SNS passes it as an SQS message attribute, without it inside the notification.
    /// </summary>
    private static void CheckEventType(
        Dictionary<string, SqsMessageAttribute>? sqsAttributes,
        Dictionary<string, SnsMessageAttribute>? snsAttributes,
        string bodyType)
    {
        var found = false;
        if (sqsAttributes is not null && sqsAttributes.TryGetValue(EventTypeAttribute, out var raw))
        {
            found = true;
            Check(raw?.DataType, raw?.StringValue, bodyType);
        }

        if (snsAttributes is not null && snsAttributes.TryGetValue(EventTypeAttribute, out var wrapped))
        {
            found = true;
            Check(wrapped?.Type, wrapped?.Value, bodyType);
        }

        if (!found)
        {
            throw new EventTypeMismatchException(null, bodyType, $"it has no {EventTypeAttribute} attribute (its body's type is {bodyType})");
        }
    }

    private static void Check(string? dataType, string? value, string bodyType)
    {
        if (!string.Equals(dataType, StringDataType, StringComparison.Ordinal))
        {
            throw new EventTypeMismatchException(value, bodyType,
                $"its {EventTypeAttribute} attribute has data type '{Quote(dataType)}', not {StringDataType} (its body's type is {bodyType})");
        }

        if (!string.Equals(value, bodyType, StringComparison.Ordinal))
        {
            throw new EventTypeMismatchException(value, bodyType,
                $"its {EventTypeAttribute} attribute says '{Quote(value)}' but its body's type is {bodyType}");
        }
    }

    private static string Quote(string? text) =>
        text is null ? "(none)" : text.Length <= QuotedLength ? text : string.Concat(text.AsSpan(0, QuotedLength), "…");
}

/// <summary>
/// A record whose body is an event but whose <c>eventType</c> attribute does not vouch for it: the
/// publisher and the body disagree, so the record is handled like one that holds no event.
/// </summary>
public sealed class EventTypeMismatchException(string? attribute, string bodyType, string reason) : Exception(reason)
{
    /// <summary>The attribute's value as received, or null when there is none.</summary>
    public string? Attribute { get; } = attribute;

    /// <summary>The wire name the body carries.</summary>
    public string BodyType { get; } = bodyType;
}
