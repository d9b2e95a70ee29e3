namespace CleanCqrs.Application.Common.Ports;

/// <summary>Checks a bearer token: signature, alg, iss, exp (with bounded clock skew).</summary>
public interface ITokenValidator
{
    /// <summary>The token's claims, or null when the token is not valid.</summary>
    ValueTask<TokenClaims?> ValidateAsync(string token, CancellationToken cancellationToken);
}
