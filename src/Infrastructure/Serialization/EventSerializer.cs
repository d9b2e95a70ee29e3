using System.Text.Json;
using CleanCqrs.Application.Common.EventSourcing;
using CleanCqrs.Domain.Common;

namespace CleanCqrs.Infrastructure.Serialization;

/// <summary>
/// Maps domain events to their stable wire names and JSON, and back, through <see cref="Catalogue.Events"/>.
/// The names are a contract: never rename one; add <c>.v2</c> and an upcaster.
/// </summary>
public static class EventSerializer
{
    private static InfrastructureJsonContext Json => InfrastructureJsonContext.Default;

    public static string TypeName(IDomainEvent @event) => Catalogue.EventOf(@event).Name;

    public static byte[] SerializeData(IDomainEvent @event) => Catalogue.EventOf(@event).Serialize(@event);

    /// <summary>The event of wire name <paramref name="type"/>; throws <see cref="UnknownEventTypeException"/> for an unknown name.</summary>
    public static IDomainEvent DeserializeData(string type, ReadOnlySpan<byte> json) =>
        (Catalogue.EventNamed(type) ?? throw new UnknownEventTypeException(type)).Deserialize(json);

    public static IDomainEvent DeserializeData(string type, JsonElement json) =>
        (Catalogue.EventNamed(type) ?? throw new UnknownEventTypeException(type)).Deserialize(json);

    /// <summary>The wire envelope of a stored event, as UTF-8 JSON.</summary>
    public static string ToEnvelopeJson(StoredEvent stored)
    {
        using var data = JsonDocument.Parse(SerializeData(stored.Data));
        var envelope = new WireEnvelope(
            stored.EventId,
            stored.StreamId,
            stored.Version,
            TypeName(stored.Data),
            stored.OccurredAt,
            data.RootElement,
            new WireMetadata(stored.Metadata.CorrelationId, stored.Metadata.CausationId));
        return JsonSerializer.Serialize(envelope, Json.WireEnvelope);
    }

    /// <summary>
    /// The stored event in a wire envelope; throws <see cref="JsonException"/> or
    /// <see cref="UnknownEventTypeException"/> when the message is not one.
    /// </summary>
    public static StoredEvent FromEnvelopeJson(string json) => ReadEnvelope(json).Event;

    /// <summary>
    /// <see cref="FromEnvelopeJson"/>, with the wire name the envelope carries: the name the event was
    /// published under, which an upcaster would keep on the wire while the event read is a later version.
    /// </summary>
    public static (StoredEvent Event, string WireType) ReadEnvelope(string json)
    {
        var envelope = JsonSerializer.Deserialize(json, Json.WireEnvelope)
            ?? throw new JsonException("The message is not an event envelope.");
        if (string.IsNullOrEmpty(envelope.StreamId) || string.IsNullOrEmpty(envelope.Type) || envelope.Version < 1)
        {
            throw new JsonException("The event envelope lacks streamId, type or a positive version.");
        }

        var stored = new StoredEvent(
            envelope.EventId,
            envelope.StreamId,
            envelope.Version,
            DeserializeData(envelope.Type, envelope.Data),
            envelope.OccurredAt,
            new EventMetadata(envelope.Metadata?.CorrelationId, envelope.Metadata?.CausationId));
        return (stored, envelope.Type);
    }

}

public sealed class UnknownEventTypeException(string type) : Exception($"Unknown event type '{type}'.")
{
    public string Type { get; } = type;
}
