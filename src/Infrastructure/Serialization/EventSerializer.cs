using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using CleanCqrs.Application.Common.EventSourcing;
using CleanCqrs.Domain.Common;
using CleanCqrs.Domain.Orgs;
using CleanCqrs.Domain.Otps;

namespace CleanCqrs.Infrastructure.Serialization;

/// <summary>
/// Maps domain events to their stable wire names and JSON, and back. The names are a contract:
/// never rename one; add <c>.v2</c> and an upcaster here.
/// </summary>
public static class EventSerializer
{
    private static InfrastructureJsonContext Json => InfrastructureJsonContext.Default;

    public static string TypeName(IDomainEvent @event) => @event switch
    {
        OrgCreated => "OrgCreated.v1",
        OrgUpdated => "OrgUpdated.v1",
        OtpIssued => "OtpIssued.v1",
        OtpCodeRejected => "OtpCodeRejected.v1",
        OtpVerified => "OtpVerified.v1",
        _ => throw new ArgumentException($"No wire name for {@event.GetType().Name}.", nameof(@event)),
    };

    public static byte[] SerializeData(IDomainEvent @event) => @event switch
    {
        OrgCreated e => JsonSerializer.SerializeToUtf8Bytes(e, Json.OrgCreated),
        OrgUpdated e => JsonSerializer.SerializeToUtf8Bytes(e, Json.OrgUpdated),
        OtpIssued e => JsonSerializer.SerializeToUtf8Bytes(e, Json.OtpIssued),
        OtpCodeRejected e => JsonSerializer.SerializeToUtf8Bytes(e, Json.OtpCodeRejected),
        OtpVerified e => JsonSerializer.SerializeToUtf8Bytes(e, Json.OtpVerified),
        _ => throw new ArgumentException($"No serializer for {@event.GetType().Name}.", nameof(@event)),
    };

    /// <summary>The event of wire name <paramref name="type"/>; throws <see cref="UnknownEventTypeException"/> for an unknown name.</summary>
    public static IDomainEvent DeserializeData(string type, ReadOnlySpan<byte> json) => type switch
    {
        "OrgCreated.v1" => Required(JsonSerializer.Deserialize(json, Json.OrgCreated), type),
        "OrgUpdated.v1" => Required(JsonSerializer.Deserialize(json, Json.OrgUpdated), type),
        "OtpIssued.v1" => Required(JsonSerializer.Deserialize(json, Json.OtpIssued), type),
        "OtpCodeRejected.v1" => Required(JsonSerializer.Deserialize(json, Json.OtpCodeRejected), type),
        "OtpVerified.v1" => Required(JsonSerializer.Deserialize(json, Json.OtpVerified), type),
        _ => throw new UnknownEventTypeException(type),
    };

    public static IDomainEvent DeserializeData(string type, JsonElement json) => type switch
    {
        "OrgCreated.v1" => Required(json.Deserialize(Json.OrgCreated), type),
        "OrgUpdated.v1" => Required(json.Deserialize(Json.OrgUpdated), type),
        "OtpIssued.v1" => Required(json.Deserialize(Json.OtpIssued), type),
        "OtpCodeRejected.v1" => Required(json.Deserialize(Json.OtpCodeRejected), type),
        "OtpVerified.v1" => Required(json.Deserialize(Json.OtpVerified), type),
        _ => throw new UnknownEventTypeException(type),
    };

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
    public static StoredEvent FromEnvelopeJson(string json)
    {
        var envelope = JsonSerializer.Deserialize(json, Json.WireEnvelope)
            ?? throw new JsonException("The message is not an event envelope.");
        if (string.IsNullOrEmpty(envelope.StreamId) || string.IsNullOrEmpty(envelope.Type) || envelope.Version < 1)
        {
            throw new JsonException("The event envelope lacks streamId, type or a positive version.");
        }

        return new StoredEvent(
            envelope.EventId,
            envelope.StreamId,
            envelope.Version,
            DeserializeData(envelope.Type, envelope.Data),
            envelope.OccurredAt,
            new EventMetadata(envelope.Metadata?.CorrelationId, envelope.Metadata?.CausationId));
    }

    private static IDomainEvent Required(IDomainEvent? @event, string type) =>
        @event ?? throw new JsonException($"The data of a {type} event is null.");
}

public sealed class UnknownEventTypeException(string type) : Exception($"Unknown event type '{type}'.")
{
    public string Type { get; } = type;
}
