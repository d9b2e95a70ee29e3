namespace CleanCqrs.Application.Common.Ports;

/// <summary>The claims of a token this service issues.</summary>
public sealed record TokenClaims(string Subject, string Role, string Country);

public sealed record IssuedToken(string Token, long ExpiresInSeconds);

/// <summary>Signs access tokens (RS256 JWT; KMS in AWS, a key file locally).</summary>
public interface ITokenIssuer
{
    ValueTask<IssuedToken> IssueAsync(TokenClaims claims, CancellationToken cancellationToken);
}

/// <summary>Checks a bearer token: signature, alg, iss, exp (with bounded clock skew).</summary>
public interface ITokenValidator
{
    /// <summary>The token's claims, or null when the token is not valid.</summary>
    ValueTask<TokenClaims?> ValidateAsync(string token, CancellationToken cancellationToken);
}

/// <summary>The public keys of the token signer, as a JWKS JSON document.</summary>
public interface IJwksSource
{
    ValueTask<string> GetJwksJsonAsync(CancellationToken cancellationToken);
}

/// <summary>
/// OTP codes derived from the OTP id under one server key (an HMAC), so no code is ever stored.
/// </summary>
public interface IOtpCodes
{
    ValueTask<string> DeriveAsync(string otpId, CancellationToken cancellationToken);

    /// <summary>Whether <paramref name="code"/> is the one for <paramref name="otpId"/>, compared in constant time.</summary>
    ValueTask<bool> MatchesAsync(string otpId, string code, CancellationToken cancellationToken);
}

/// <summary>Random OTP ids: 128 bits from a cryptographic generator.</summary>
public interface IOtpIdGenerator
{
    string NewOtpId();
}
