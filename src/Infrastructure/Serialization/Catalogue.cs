using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Application.Orgs.Projections;
using CleanCqrs.Domain.Common;
using CleanCqrs.Domain.Orgs;
using CleanCqrs.Domain.Otps;

namespace CleanCqrs.Infrastructure.Serialization;

/// <summary>
/// Everything the stores keep and the broker carries, registered once: each event, aggregate state
/// and read model type with its source-generated JSON. Wire names come from the types themselves
/// (<see cref="IDomainEvent{TSelf}.WireName"/>, <see cref="IAggregateState{TSelf}.SnapshotName"/>,
/// <see cref="IReadModel.Collection"/>); the serializers and the DynamoDB and SQLite mappings read
/// only these tables. A type used here without its <c>[JsonSerializable]</c> line does not compile,
/// and a test fails for any event or state type missing from the tables.
/// </summary>
public static class Catalogue
{
    private static InfrastructureJsonContext Json => InfrastructureJsonContext.Default;

    public static IReadOnlyList<EventEntry> Events { get; } =
    [
        EventEntry.Of(Json.OrgCreated),
        EventEntry.Of(Json.OrgUpdated),
        EventEntry.Of(Json.OrgClosed),
        EventEntry.Of(Json.OtpIssued),
        EventEntry.Of(Json.OtpCodeRejected),
        EventEntry.Of(Json.OtpVerified),
    ];

    public static IReadOnlyList<SnapshotEntry> Snapshots { get; } =
    [
        SnapshotEntry.Of(Json.OrgState),
        SnapshotEntry.Of(Json.OtpState),
    ];

    public static IReadOnlyList<ReadModelEntry> ReadModels { get; } =
    [
        ReadModelEntry.Of(Json.OrgReadModel),
    ];

    private static readonly FrozenDictionary<Type, EventEntry> EventsByType = Events.ToFrozenDictionary(e => e.Type);
    private static readonly FrozenDictionary<string, EventEntry> EventsByName = Unique(Events, e => e.Name);
    private static readonly FrozenDictionary<Type, SnapshotEntry> SnapshotsByType = Snapshots.ToFrozenDictionary(s => s.Type);
    private static readonly FrozenDictionary<string, SnapshotEntry> SnapshotsByName = Unique(Snapshots, s => s.Name);
    private static readonly FrozenDictionary<Type, ReadModelEntry> ReadModelsByType = ReadModels.ToFrozenDictionary(m => m.Type);

    public static EventEntry EventOf(IDomainEvent @event) =>
        EventsByType.GetValueOrDefault(@event.GetType())
        ?? throw new ArgumentException($"{@event.GetType().Name} is not in the event catalogue.", nameof(@event));

    /// <summary>The event type of a wire name; null for a name this build does not know.</summary>
    public static EventEntry? EventNamed(string name) => EventsByName.GetValueOrDefault(name);

    public static SnapshotEntry SnapshotOf(object state) =>
        SnapshotsByType.GetValueOrDefault(state.GetType())
        ?? throw new ArgumentException($"{state.GetType().Name} is not in the snapshot catalogue.", nameof(state));

    /// <summary>The state type of a snapshot name; null for a shape this build no longer reads.</summary>
    public static SnapshotEntry? SnapshotNamed(string name) => SnapshotsByName.GetValueOrDefault(name);

    public static ReadModelEntry ReadModelOf<TModel>() where TModel : class, IReadModel =>
        ReadModelsByType.GetValueOrDefault(typeof(TModel))
        ?? throw new ArgumentException($"{typeof(TModel).Name} is not in the read model catalogue.");

    // Two types under one name would make stored data ambiguous: refuse to start.
    private static FrozenDictionary<string, T> Unique<T>(IReadOnlyList<T> entries, Func<T, string> name)
    {
        var duplicate = entries.GroupBy(name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        return duplicate is null
            ? entries.ToFrozenDictionary(name, StringComparer.Ordinal)
            : throw new InvalidOperationException($"The wire name '{duplicate.Key}' is registered twice.");
    }
}

/// <summary>One event type of the catalogue: its wire name and its JSON.</summary>
public abstract class EventEntry
{
    public abstract string Name { get; }

    public abstract Type Type { get; }

    public abstract byte[] Serialize(IDomainEvent @event);

    public abstract IDomainEvent Deserialize(ReadOnlySpan<byte> json);

    public abstract IDomainEvent Deserialize(JsonElement json);

    internal static EventEntry Of<T>(JsonTypeInfo<T> json) where T : class, IDomainEvent<T> => new Typed<T>(json);

    private sealed class Typed<T>(JsonTypeInfo<T> json) : EventEntry where T : class, IDomainEvent<T>
    {
        public override string Name => T.WireName;

        public override Type Type => typeof(T);

        public override byte[] Serialize(IDomainEvent @event) => JsonSerializer.SerializeToUtf8Bytes((T)@event, json);

        public override IDomainEvent Deserialize(ReadOnlySpan<byte> data) => Required(JsonSerializer.Deserialize(data, json));

        public override IDomainEvent Deserialize(JsonElement element) => Required(element.Deserialize(json));

        private static T Required(T? @event) => @event ?? throw new JsonException($"The data of a {T.WireName} event is null.");
    }
}

/// <summary>One aggregate state type of the catalogue: its snapshot name and its JSON.</summary>
public abstract class SnapshotEntry
{
    public abstract string Name { get; }

    public abstract Type Type { get; }

    public abstract byte[] Serialize(object state);

    public abstract object? Deserialize(ReadOnlySpan<byte> json);

    internal static SnapshotEntry Of<T>(JsonTypeInfo<T> json) where T : class, IAggregateState<T> => new Typed<T>(json);

    private sealed class Typed<T>(JsonTypeInfo<T> json) : SnapshotEntry where T : class, IAggregateState<T>
    {
        public override string Name => T.SnapshotName;

        public override Type Type => typeof(T);

        public override byte[] Serialize(object state) => JsonSerializer.SerializeToUtf8Bytes((T)state, json);

        public override object? Deserialize(ReadOnlySpan<byte> data) => JsonSerializer.Deserialize(data, json);
    }
}

/// <summary>One read model type of the catalogue: its collection and its JSON.</summary>
public abstract class ReadModelEntry
{
    public abstract string Collection { get; }

    public abstract Type Type { get; }

    public abstract JsonTypeInfo Json { get; }

    internal static ReadModelEntry Of<T>(JsonTypeInfo<T> json) where T : class, IReadModel => new Typed<T>(json);

    private sealed class Typed<T>(JsonTypeInfo<T> json) : ReadModelEntry where T : class, IReadModel
    {
        public override string Collection => T.Collection;

        public override Type Type => typeof(T);

        public override JsonTypeInfo Json => json;
    }
}

/// <summary>Source-generated JSON for the catalogue's types and the wire envelope: camelCase, no reflection (Native AOT).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    WriteIndented = false)]
[JsonSerializable(typeof(OrgCreated))]
[JsonSerializable(typeof(OrgUpdated))]
[JsonSerializable(typeof(OrgClosed))]
[JsonSerializable(typeof(OtpIssued))]
[JsonSerializable(typeof(OtpCodeRejected))]
[JsonSerializable(typeof(OtpVerified))]
[JsonSerializable(typeof(OrgState))]
[JsonSerializable(typeof(OtpState))]
[JsonSerializable(typeof(OrgReadModel))]
[JsonSerializable(typeof(WireEnvelope))]
[JsonSerializable(typeof(WireMetadata))]
internal sealed partial class InfrastructureJsonContext : JsonSerializerContext;
