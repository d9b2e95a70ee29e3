using System.Text.Json;

namespace CleanCqrs.Infrastructure.Serialization;

/// <summary>
/// The message on the wire (SNS message, SQS body, in-process broker):
/// <c>{eventId, streamId, version, type, occurredAt, data, metadata}</c>.
/// </summary>
public sealed record WireEnvelope(
    Guid EventId,
    string StreamId,
    long Version,
    string Type,
    DateTimeOffset OccurredAt,
    JsonElement Data,
    WireMetadata? Metadata);

public sealed record WireMetadata(string? CorrelationId, string? CausationId);
