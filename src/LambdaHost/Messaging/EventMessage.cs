using System.Text.Json;
using CleanCqrs.Application.Common.EventSourcing;
using CleanCqrs.Infrastructure.Serialization;
using CleanCqrs.LambdaHost.Lambda.Events;

namespace CleanCqrs.LambdaHost.Messaging;

/// <summary>
/// Reads the stored event out of a queue message body: the wire envelope itself (raw delivery) or
/// an SNS notification carrying it in <c>Message</c>.
/// </summary>
public static class EventMessage
{
    /// <summary>Throws <see cref="JsonException"/> or <see cref="UnknownEventTypeException"/> when the body holds no event.</summary>
    public static StoredEvent Decode(string? body)
    {
        if (string.IsNullOrEmpty(body))
        {
            throw new JsonException("The message has no body.");
        }

        return EventSerializer.FromEnvelopeJson(Unwrap(body));
    }

    /// <summary>The wire envelope JSON: <c>Message</c> of an SNS notification, or the body as it is.</summary>
    public static string Unwrap(string body)
    {
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        // The envelope's own "type" is lower-case; only SNS writes "Type": "Notification".
        if (root.ValueKind == JsonValueKind.Object
            && root.TryGetProperty("Type", out var type) && type.ValueKind == JsonValueKind.String
            && type.ValueEquals(SnsNotification.NotificationType))
        {
            var notification = root.Deserialize(LambdaJson.Context.SnsNotification);
            return notification?.Message ?? throw new JsonException("The SNS notification has no Message.");
        }

        return body;
    }
}
