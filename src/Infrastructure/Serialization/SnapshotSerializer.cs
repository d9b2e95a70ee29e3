using System.Text.Json;
using CleanCqrs.Domain.Orgs;
using CleanCqrs.Domain.Otps;

namespace CleanCqrs.Infrastructure.Serialization;

/// <summary>
/// Aggregate snapshots, stored with every commit. Each has a versioned name; a store that meets an
/// unknown one (after a state shape change) folds the stream's events instead.
/// </summary>
public static class SnapshotSerializer
{
    private static InfrastructureJsonContext Json => InfrastructureJsonContext.Default;

    public static (string Type, byte[] Json) Serialize(object state) => state switch
    {
        OrgState s => ("OrgState.v1", JsonSerializer.SerializeToUtf8Bytes(s, Json.OrgState)),
        OtpState s => ("OtpState.v1", JsonSerializer.SerializeToUtf8Bytes(s, Json.OtpState)),
        _ => throw new ArgumentException($"No snapshot serializer for {state.GetType().Name}.", nameof(state)),
    };

    /// <summary>The snapshot as <typeparamref name="TState"/>, or null when its type is not the current one.</summary>
    public static TState? Deserialize<TState>(string type, ReadOnlySpan<byte> json) where TState : class =>
        (type, typeof(TState)) switch
        {
            ("OrgState.v1", var t) when t == typeof(OrgState) => JsonSerializer.Deserialize(json, Json.OrgState) as TState,
            ("OtpState.v1", var t) when t == typeof(OtpState) => JsonSerializer.Deserialize(json, Json.OtpState) as TState,
            _ => null,
        };

    /// <summary>The snapshot as whichever state type it names, or null when the type is not a current one.</summary>
    public static object? Deserialize(string type, ReadOnlySpan<byte> json) => type switch
    {
        "OrgState.v1" => JsonSerializer.Deserialize(json, Json.OrgState),
        "OtpState.v1" => JsonSerializer.Deserialize(json, Json.OtpState),
        _ => null,
    };
}
