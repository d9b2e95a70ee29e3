using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Domain.Common;

namespace CleanCqrs.Application.Common;

/// <summary>
/// Who sends a request: the claims of a verified bearer token, or why there are none (the edge
/// authenticates; the pipeline decides what that means for the request).
/// </summary>
public sealed record Caller(TokenClaims? Claims, UnauthorizedError? Refusal = null)
{
    public static implicit operator Caller?(TokenClaims? claims) => claims is null ? null : new(claims);
}

/// <summary>A request that only some callers may send; checked before validation.</summary>
public interface IAuthorizedRequest
{
    /// <summary>Who sends it; null for a caller who presented no token.</summary>
    Caller? Caller { get; }

    /// <summary>Null when <see cref="Caller"/> may send this request, otherwise why not.</summary>
    Error? Authorize();
}

public static class Roles
{
    public const string Org = "org";
    public const string Worker = "worker";

    /// <summary>
    /// 401 without verified claims, 403 unless they are an org's and, when <paramref name="orgId"/>
    /// is given, that org's own.
    /// </summary>
    public static Error? RequireOrg(Caller? caller, string? orgId, string forbidden) =>
        caller?.Claims is not { } claims ? caller?.Refusal ?? new UnauthorizedError("A bearer token is required.")
        : claims.Role != Org || (orgId is not null && !string.Equals(claims.Subject, orgId, StringComparison.Ordinal))
            ? new ForbiddenError(forbidden)
        : null;
}

/// <summary>
/// A request bound from input the edge could not read (a body that is not JSON, a malformed
/// header): those errors are reported by validation, after authorisation, like any field error.
/// </summary>
public interface IBoundRequest
{
    ValidationError? BindingErrors { get; }
}
