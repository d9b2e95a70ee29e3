using CleanCqrs.Domain.Common;

namespace CleanCqrs.Application.Common.Metrics;

/// <summary>The <c>Outcome</c> dimension of <see cref="MetricNames.Commands"/>: a fixed, small set.</summary>
public static class Outcomes
{
    public const string Ok = "ok";
    public const string Validation = "validation";
    public const string NotFound = "not_found";
    public const string Conflict = "conflict";
    public const string PreconditionFailed = "precondition_failed";
    public const string RateLimited = "rate_limited";
    public const string Unauthorized = "unauthorized";
    public const string Forbidden = "forbidden";
    public const string OtpRejected = "otp_rejected";

    /// <summary>An exception, a time-out, or an error kind without an outcome of its own.</summary>
    public const string Error = "error";

    public static IReadOnlyList<string> All { get; } =
        [Ok, Validation, NotFound, Conflict, PreconditionFailed, RateLimited, Unauthorized, Forbidden, OtpRejected, Error];

    /// <summary>The outcome of a request that answered <paramref name="error"/> (null: success).</summary>
    public static string Of(Domain.Common.Error? error) => error switch
    {
        null => Ok,
        ValidationError => Validation,
        NotFoundError => NotFound,
        ConflictError => Conflict,
        PreconditionFailedError => PreconditionFailed,
        RateLimitedError => RateLimited,
        UnauthorizedError => Unauthorized,
        ForbiddenError => Forbidden,
        OtpRejectedError => OtpRejected,
        _ => Error,
    };
}
