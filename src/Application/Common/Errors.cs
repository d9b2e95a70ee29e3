using CleanCqrs.Domain.Common;

namespace CleanCqrs.Application.Common;

// Refusals that only the use cases produce (the domain's decisions never do); the host maps each
// kind to one HTTP status like the domain's own.

/// <summary>No verified caller; <see cref="InvalidToken"/> when a token was sent but refused (RFC 6750 <c>invalid_token</c>).</summary>
public sealed record UnauthorizedError(string Detail, bool InvalidToken = false) : Error(Detail);

public sealed record ForbiddenError(string Detail) : Error(Detail);

/// <summary>The caller's precondition (If-Match) does not hold.</summary>
public sealed record PreconditionFailedError(string Detail) : Error(Detail);

/// <summary>The resource existed and is gone for good (a closed org).</summary>
public sealed record GoneError(string Detail) : Error(Detail);
