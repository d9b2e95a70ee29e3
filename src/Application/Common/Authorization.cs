using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Domain.Common;

namespace CleanCqrs.Application.Common;

/// <summary>A request that only some callers may send; checked before validation.</summary>
public interface IAuthorizedRequest
{
    /// <summary>The caller's verified token claims; null for an anonymous caller.</summary>
    TokenClaims? Caller { get; }

    /// <summary>Null when <see cref="Caller"/> may send this request, otherwise why not.</summary>
    Error? Authorize();
}

public static class Roles
{
    public const string Org = "org";
    public const string Worker = "worker";
}
