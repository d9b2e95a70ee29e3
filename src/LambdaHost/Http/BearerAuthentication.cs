using System.Security.Cryptography;
using System.Text.Json;
using CleanCqrs.Application.Common;
using CleanCqrs.Application.Common.Ports;
using Microsoft.Extensions.Logging;

namespace CleanCqrs.LambdaHost.Http;

/// <summary>
/// Reads <c>Authorization: Bearer &lt;token&gt;</c> (RFC 6750) and checks the token: the caller's
/// claims, or why there are none (a missing, repeated or malformed header like a token that fails
/// validation). The request's authorisation turns the latter into its 401.
/// </summary>
public sealed class BearerAuthentication(ITokenValidator validator, ILogger<BearerAuthentication> logger)
{
    /// <summary>Far above any token this service signs; longer ones are refused without being parsed.</summary>
    public const int MaxTokenLength = 8 * 1024;

    public async ValueTask<Caller> AuthenticateAsync(HttpRequestData request, CancellationToken cancellationToken)
    {
        var count = request.Headers.Count("authorization");
        if (count == 0)
        {
            return Fail("A bearer token is required (Authorization: Bearer <token>).", invalidToken: false);
        }

        if (count > 1 || !TryGetToken(request.Headers["authorization"]!, out var token))
        {
            return Fail("The Authorization header must be 'Bearer <token>'.", invalidToken: true);
        }

        TokenClaims? claims;
        try
        {
            claims = await validator.ValidateAsync(token, cancellationToken);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or JsonException or CryptographicException)
        {
            // The token is the client's bytes: a validator that chokes on them has found a bad token, not a fault.
            logger.LogWarning("A bearer token was refused by an exception of the validator: {ErrorKind}", ex.GetType().Name);
            claims = null;
        }

        return claims is null
            ? Fail("The bearer token is not valid (bad signature, issuer or algorithm, or expired).", invalidToken: true)
            : new Caller(claims);
    }

    /// <summary>The token68 after the case-insensitive scheme <c>Bearer</c> and at least one space.</summary>
    public static bool TryGetToken(string header, out string token)
    {
        token = string.Empty;
        var value = header.AsSpan().Trim(' ');
        if (value.Length < 8 || !value[..6].Equals("Bearer", StringComparison.OrdinalIgnoreCase) || value[6] != ' ')
        {
            return false;
        }

        var candidate = value[7..].TrimStart(' ');
        if (candidate.IsEmpty || candidate.Length > MaxTokenLength)
        {
            return false;
        }

        // token68 = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
        var end = candidate.Length;
        while (end > 0 && candidate[end - 1] == '=')
        {
            end--;
        }

        if (end == 0)
        {
            return false;
        }

        foreach (var c in candidate[..end])
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~' or '+' or '/'))
            {
                return false;
            }
        }

        token = candidate.ToString();
        return true;
    }

    private static Caller Fail(string detail, bool invalidToken) =>
        new(null, new UnauthorizedError(detail, invalidToken));
}
