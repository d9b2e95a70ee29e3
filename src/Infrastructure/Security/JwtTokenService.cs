using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using CleanCqrs.Application.Common.Ports;

namespace CleanCqrs.Infrastructure.Security;

/// <summary>
/// Issues and checks RS256 JWTs (RFC 7519 / RFC 7515 compact form) and publishes the signing key as
/// a JWKS. Hand-written on purpose (docs/decisions/0003-hand-written-jwt.md): only what this service
/// issues is accepted, and anything else, however malformed, yields null rather than an exception.
/// </summary>
public sealed class JwtTokenService(IJwtSigningKey signingKey, JwtOptions options, TimeProvider clock)
    : ITokenIssuer, ITokenValidator, IJwksSource
{
    public const string Algorithm = "RS256";
    public const string TokenType = "JWT";

    private static readonly long MinUnixSeconds = DateTimeOffset.MinValue.ToUnixTimeSeconds();
    private static readonly long MaxUnixSeconds = DateTimeOffset.MaxValue.ToUnixTimeSeconds();

    /// <summary>How many verified tokens are remembered at most.</summary>
    public const int MaxVerifiedTokens = 10_000;

    // Both depend only on the key, which does not change for the life of this instance.
    private string? _headerSegment;
    private string? _jwksJson;

    private readonly ConcurrentDictionary<string, (TokenClaims Claims, DateTimeOffset Expires)> _verified = new(StringComparer.Ordinal);

    public async ValueTask<IssuedToken> IssueAsync(TokenClaims claims, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(claims.Subject, nameof(claims));
        ArgumentException.ThrowIfNullOrEmpty(claims.Role, nameof(claims));
        ArgumentException.ThrowIfNullOrEmpty(claims.Country, nameof(claims));

        var header = _headerSegment ??= await EncodeHeaderAsync(cancellationToken);
        var issuedAt = clock.GetUtcNow().ToUnixTimeSeconds();
        var payload = new JwtPayload(
            options.Issuer, claims.Subject, claims.Role, claims.Country, issuedAt, issuedAt + options.LifetimeSeconds);
        var signingInput = header + "." + Base64UrlStrict.Encode(
            JsonSerializer.SerializeToUtf8Bytes(payload, JwtJsonContext.Default.JwtPayload));

        var signature = await signingKey.SignAsync(Encoding.ASCII.GetBytes(signingInput), cancellationToken);
        var token = signingInput + "." + Base64UrlStrict.Encode(signature);
        return token.Length <= JwtOptions.MaxTokenLength
            ? new IssuedToken(token, options.LifetimeSeconds)
            : throw new InvalidOperationException("The claims make a token longer than this service accepts.");
    }

    public async ValueTask<TokenClaims?> ValidateAsync(string token, CancellationToken cancellationToken)
    {
        // A client sends the same token with every request: a token already verified is looked up
        // instead of verified again (an RSA verification costs more than the rest of a command). The key
        // is the whole token, so a known signature with another payload is never a hit; expiry is
        // checked on every hit.
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }

        if (_verified.TryGetValue(token, out var known))
        {
            if (clock.GetUtcNow() - JwtOptions.ClockSkew <= known.Expires)
            {
                return known.Claims;
            }

            _verified.TryRemove(token, out _);
            return null;
        }

        if (!TrySplit(token, out var signingInputLength, out var payloadStart, out var signatureStart))
        {
            return null;
        }

        if (!Base64UrlStrict.TryDecode(token.AsSpan()[..(payloadStart - 1)], out var headerBytes)
            || TryParse(headerBytes, JwtJsonContext.Default.JwtHeader) is not { } header
            || !IsAcceptableHeader(header))
        {
            return null;
        }

        var key = await signingKey.GetPublicKeyAsync(cancellationToken);
        if (!string.Equals(header.Kid, key.KeyId, StringComparison.Ordinal)
            || !Base64UrlStrict.TryDecode(token.AsSpan()[signatureStart..], out var signature)
            || !key.Verify(Encoding.ASCII.GetBytes(token, 0, signingInputLength), signature))
        {
            return null;
        }

        // Parsed only after the signature holds: unsigned claims are never looked at.
        if (!Base64UrlStrict.TryDecode(token.AsSpan()[payloadStart..(signatureStart - 1)], out var payloadBytes)
            || TryParse(payloadBytes, JwtJsonContext.Default.JwtPayload) is not { } payload)
        {
            return null;
        }

        if (!AreAcceptableClaims(payload) || !TryGetInstant(payload.Exp, out var expires))
        {
            return null;
        }

        var claims = new TokenClaims(payload.Sub!, payload.Role!, payload.Country!);
        if (_verified.Count >= MaxVerifiedTokens)
        {
            // Bounded: starting over is cheaper than tracking use, and only costs one verification per client.
            _verified.Clear();
        }

        _verified[token] = (claims, expires);
        return claims;
    }

    public async ValueTask<string> GetJwksJsonAsync(CancellationToken cancellationToken)
    {
        if (_jwksJson is { } cached)
        {
            return cached;
        }

        var key = await signingKey.GetPublicKeyAsync(cancellationToken);
        var set = new JsonWebKeySet([new JsonWebKey("RSA", "sig", Algorithm, key.KeyId, key.N, key.E)]);
        return _jwksJson = JsonSerializer.Serialize(set, JwtJsonContext.Default.JsonWebKeySet);
    }

    private async ValueTask<string> EncodeHeaderAsync(CancellationToken cancellationToken)
    {
        var key = await signingKey.GetPublicKeyAsync(cancellationToken);
        return Base64UrlStrict.Encode(JsonSerializer.SerializeToUtf8Bytes(
            new JwtHeader(Algorithm, TokenType, key.KeyId), JwtJsonContext.Default.JwtHeader));
    }

    /// <summary>Three non-empty base64url segments, within the length cap.</summary>
    private static bool TrySplit(string? token, out int signingInputLength, out int payloadStart, out int signatureStart)
    {
        signingInputLength = payloadStart = signatureStart = 0;
        if (string.IsNullOrEmpty(token) || token.Length > JwtOptions.MaxTokenLength)
        {
            return false;
        }

        var dots = 0;
        for (var i = 0; i < token.Length; i++)
        {
            var c = token[i];
            if (c == '.')
            {
                dots++;
                if (dots == 1)
                {
                    payloadStart = i + 1;
                }
                else if (dots == 2)
                {
                    signingInputLength = i;
                    signatureStart = i + 1;
                }
                else
                {
                    return false;
                }
            }
            else if (!Base64UrlStrict.IsAlphabet(c))
            {
                return false;
            }
        }

        return dots == 2
            && payloadStart > 1
            && signatureStart > payloadStart + 1
            && signatureStart < token.Length;
    }

    private static bool IsAcceptableHeader(JwtHeader header) =>
        string.Equals(header.Alg, Algorithm, StringComparison.Ordinal)
        && !string.IsNullOrEmpty(header.Kid)
        && (header.Typ is null || string.Equals(header.Typ, TokenType, StringComparison.OrdinalIgnoreCase))
        && header.Crit is null;

    private bool AreAcceptableClaims(JwtPayload payload)
    {
        var now = clock.GetUtcNow();
        return string.Equals(payload.Iss, options.Issuer, StringComparison.Ordinal)
            && !string.IsNullOrEmpty(payload.Sub)
            && !string.IsNullOrEmpty(payload.Role)
            && !string.IsNullOrEmpty(payload.Country)
            && TryGetInstant(payload.Exp, out var expires) && now - JwtOptions.ClockSkew <= expires
            && (payload.Iat is null || (TryGetInstant(payload.Iat, out var issued) && issued <= now + JwtOptions.ClockSkew))
            && (payload.Nbf is null || (TryGetInstant(payload.Nbf, out var notBefore) && notBefore <= now + JwtOptions.ClockSkew));
    }

    /// <summary>A NumericDate as an instant; one outside the calendar's range was never issued here.</summary>
    private static bool TryGetInstant(long? unixSeconds, out DateTimeOffset instant)
    {
        var valid = unixSeconds is { } seconds && seconds >= MinUnixSeconds && seconds <= MaxUnixSeconds;
        instant = valid ? DateTimeOffset.FromUnixTimeSeconds(unixSeconds!.Value) : default;
        return valid;
    }

    private static T? TryParse<T>(byte[] json, JsonTypeInfo<T> typeInfo)
        where T : class
    {
        try
        {
            return JsonSerializer.Deserialize(json, typeInfo);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
