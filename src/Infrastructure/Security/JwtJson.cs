using System.Text.Json.Serialization;

namespace CleanCqrs.Infrastructure.Security;

/// <summary>The JOSE header (RFC 7515 §4) this service writes and the members it reads.</summary>
internal sealed record JwtHeader(
    [property: JsonPropertyName("alg")] string? Alg,
    [property: JsonPropertyName("typ")] string? Typ,
    [property: JsonPropertyName("kid")] string? Kid)
{
    /// <summary>Critical extensions (RFC 7515 §4.1.11): none are understood, so any makes the token invalid.</summary>
    [JsonPropertyName("crit")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public object? Crit { get; init; }
}

/// <summary>The claims this service issues (RFC 7519 §4.1 registered ones plus role and country).</summary>
internal sealed record JwtPayload(
    [property: JsonPropertyName("iss")] string? Iss,
    [property: JsonPropertyName("sub")] string? Sub,
    [property: JsonPropertyName("role")] string? Role,
    [property: JsonPropertyName("country")] string? Country,
    [property: JsonPropertyName("iat")] long? Iat,
    [property: JsonPropertyName("exp")] long? Exp)
{
    /// <summary>Never issued; honoured when present.</summary>
    [JsonPropertyName("nbf")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? Nbf { get; init; }
}

internal sealed record JsonWebKeySet([property: JsonPropertyName("keys")] IReadOnlyList<JsonWebKey> Keys);

internal sealed record JsonWebKey(
    [property: JsonPropertyName("kty")] string Kty,
    [property: JsonPropertyName("use")] string Use,
    [property: JsonPropertyName("alg")] string Alg,
    [property: JsonPropertyName("kid")] string Kid,
    [property: JsonPropertyName("n")] string N,
    [property: JsonPropertyName("e")] string E);

/// <summary>
/// Source-generated (Native AOT). Duplicate members are refused so that no two parsers could read
/// different claims from one signed token.
/// </summary>
[JsonSourceGenerationOptions(WriteIndented = false, AllowDuplicateProperties = false)]
[JsonSerializable(typeof(JwtHeader))]
[JsonSerializable(typeof(JwtPayload))]
[JsonSerializable(typeof(JsonWebKeySet))]
internal sealed partial class JwtJsonContext : JsonSerializerContext;
