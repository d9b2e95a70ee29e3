using CleanCqrs.Domain.Common;

namespace CleanCqrs.Application.Common.EventSourcing;

/// <summary>Who caused an event: the correlation id of the request and the event that led to it, if any.</summary>
public sealed record EventMetadata(string? CorrelationId = null, string? CausationId = null)
{
    public static readonly EventMetadata Empty = new();
}

/// <summary>An event as stored: its id, stream, version (1-based position in the stream) and time.</summary>
public sealed record StoredEvent(
    Guid EventId,
    string StreamId,
    long Version,
    IDomainEvent Data,
    DateTimeOffset OccurredAt,
    EventMetadata Metadata);

/// <summary>
/// The unit of an append: every event of one command, stored atomically with the state after them
/// (the snapshot), and then published through the outbox.
/// </summary>
public sealed record Commit(
    string StreamId,
    long ExpectedVersion,
    IReadOnlyList<StoredEvent> Events,
    object Snapshot,
    DateTimeOffset CommittedAt)
{
    /// <summary>The stream's version after this commit.</summary>
    public long Version => ExpectedVersion + Events.Count;

    /// <summary>
    /// Throws unless the commit is one an event store may take: at least one event, a non-negative
    /// expected version, and its events numbered on from it in its own stream.
    /// </summary>
    public void ThrowIfNotContiguous()
    {
        ArgumentException.ThrowIfNullOrEmpty(StreamId);
        if (ExpectedVersion < 0 || Events.Count == 0)
        {
            throw new ArgumentException("A commit has at least one event and a non-negative expected version.");
        }

        for (var i = 0; i < Events.Count; i++)
        {
            var stored = Events[i];
            if (!string.Equals(stored.StreamId, StreamId, StringComparison.Ordinal) || stored.Version != ExpectedVersion + i + 1)
            {
                throw new ArgumentException(
                    $"Event {i} of the commit is {stored.StreamId}@{stored.Version}, not {StreamId}@{ExpectedVersion + i + 1}.");
            }
        }
    }
}

/// <summary>A stream's current state and version; version 0 is a stream with no events.</summary>
public sealed record LoadedStream<TState>(TState State, long Version);
