using CleanCqrs.Domain.Common;

namespace CleanCqrs.Infrastructure.Serialization;

/// <summary>
/// Aggregate snapshots, stored with every commit under the state's versioned name (see
/// <see cref="Catalogue.Snapshots"/>); a store that meets an unknown one (after a state shape
/// change) folds the stream's events instead.
/// </summary>
public static class SnapshotSerializer
{
    public static (string Type, byte[] Json) Serialize(object state)
    {
        var type = Catalogue.SnapshotOf(state);
        return (type.Name, type.Serialize(state));
    }

    /// <summary>The snapshot as <typeparamref name="TState"/>, or null when its name is not the state's current one.</summary>
    public static TState? Deserialize<TState>(string type, ReadOnlySpan<byte> json) where TState : class, IAggregateState<TState> =>
        type == TState.SnapshotName ? Catalogue.SnapshotNamed(type)?.Deserialize(json) as TState : null;

    /// <summary>The snapshot as whichever state type it names, or null when the name is not a current one.</summary>
    public static object? Deserialize(string type, ReadOnlySpan<byte> json) => Catalogue.SnapshotNamed(type)?.Deserialize(json);

    /// <summary>
    /// A pending commit's snapshot without knowing its state type: the state, or the stored text when
    /// the shape is one this build no longer reads (publishing needs only the events).
    /// </summary>
    public static object DeserializeAny(string type, string json) =>
        Deserialize(type, System.Text.Encoding.UTF8.GetBytes(json)) ?? new UnknownSnapshot(type, json);
}

/// <summary>
/// The snapshot of a pending commit whose state type is no longer current; publishing needs only
/// the events, so it is carried as stored.
/// </summary>
public sealed record UnknownSnapshot(string Type, string Json);
