using System.Buffers;
using System.Text.Json;
using CleanCqrs.Application.Common.EventSourcing;

namespace CleanCqrs.Infrastructure.Serialization;

/// <summary>
/// The events of one commit as the stores keep them: a JSON array of
/// <c>{eventId, type, occurredAt, data, metadata}</c>. Stream id and versions are not repeated in
/// each event: they follow from the commit's stream and expected version.
/// </summary>
public static class CommitSerializer
{
    public static byte[] SerializeEvents(IReadOnlyList<StoredEvent> events)
    {
        var buffer = new ArrayBufferWriter<byte>(256 * Math.Max(events.Count, 1));
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var stored in events)
            {
                writer.WriteStartObject();
                writer.WriteString("eventId", stored.EventId);
                writer.WriteString("type", EventSerializer.TypeName(stored.Data));
                writer.WriteString("occurredAt", stored.OccurredAt);
                writer.WritePropertyName("data");
                writer.WriteRawValue(EventSerializer.SerializeData(stored.Data), skipInputValidation: true);
                writer.WriteStartObject("metadata");
                writer.WriteString("correlationId", stored.Metadata.CorrelationId);
                writer.WriteString("causationId", stored.Metadata.CausationId);
                writer.WriteEndObject();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// The events of a commit of <paramref name="streamId"/> stored at <paramref name="expectedVersion"/>;
    /// the first one gets version <paramref name="expectedVersion"/> + 1.
    /// </summary>
    public static IReadOnlyList<StoredEvent> DeserializeEvents(string streamId, long expectedVersion, ReadOnlyMemory<byte> json)
    {
        using var document = JsonDocument.Parse(json);
        if (document.RootElement.ValueKind != JsonValueKind.Array)
        {
            throw new JsonException($"The events of {streamId}@{expectedVersion} are not a JSON array.");
        }

        var events = new List<StoredEvent>(document.RootElement.GetArrayLength());
        foreach (var element in document.RootElement.EnumerateArray())
        {
            var type = element.GetProperty("type").GetString()
                ?? throw new JsonException($"An event of {streamId}@{expectedVersion} has no type.");
            var metadata = element.TryGetProperty("metadata", out var meta) && meta.ValueKind == JsonValueKind.Object
                ? new EventMetadata(OptionalString(meta, "correlationId"), OptionalString(meta, "causationId"))
                : EventMetadata.Empty;
            events.Add(new StoredEvent(
                element.GetProperty("eventId").GetGuid(),
                streamId,
                expectedVersion + events.Count + 1,
                EventSerializer.DeserializeData(type, element.GetProperty("data")),
                element.GetProperty("occurredAt").GetDateTimeOffset(),
                metadata));
        }

        return events;
    }

    private static string? OptionalString(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
