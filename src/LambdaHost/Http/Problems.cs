using System.Globalization;
using CleanCqrs.Application.Common;
using CleanCqrs.Application.Otps.Limits;
using CleanCqrs.Domain.Common;

namespace CleanCqrs.LambdaHost.Http;

/// <summary>
/// The one place where refusals become HTTP: each <see cref="Error"/> kind and each edge check
/// maps to one status and one problem type.
/// </summary>
public static class Problems
{
    /// <summary>Problem type URIs; stable identifiers that clients may switch on.</summary>
    public static class Types
    {
        private const string Prefix = "urn:cleancqrs:problem:";
        public const string Validation = Prefix + "validation";
        public const string NotFound = Prefix + "not-found";
        public const string RouteNotFound = Prefix + "route-not-found";
        public const string MethodNotAllowed = Prefix + "method-not-allowed";
        public const string PayloadTooLarge = Prefix + "payload-too-large";
        public const string UnsupportedMediaType = Prefix + "unsupported-media-type";
        public const string Unauthorized = Prefix + "unauthorized";
        public const string Forbidden = Prefix + "forbidden";
        public const string Conflict = Prefix + "conflict";
        public const string Gone = Prefix + "gone";
        public const string PreconditionFailed = Prefix + "precondition-failed";
        public const string RateLimited = Prefix + "rate-limited";
        public const string OtpRejected = Prefix + "otp-rejected";
        public const string Internal = Prefix + "internal";
        public const string Unavailable = Prefix + "unavailable";

        /// <summary>A global delivery budget is spent: <c>…:budget-exhausted:sms</c> or <c>…:budget-exhausted:email</c>.</summary>
        public const string BudgetExhausted = Prefix + "budget-exhausted:";
        public const string IdempotencyKeyReused = Prefix + "idempotency-key-reused";
        public const string IdempotencyInProgress = Prefix + "idempotency-in-progress";
    }

    /// <summary>The response for a refusal from below the host; null when the error kind is not one this API knows.</summary>
    public static HttpResponseData? From(Error error) => error switch
    {
        ValidationError e => Validation(e.Errors, e.Detail),
        NotFoundError e => Problem(Types.NotFound, "Not found", 404, e.Detail),
        ConflictError e => Problem(Types.Conflict, "Conflict", 409, e.Detail),
        GoneError e => Problem(Types.Gone, "Gone", 410, e.Detail),
        PreconditionFailedError e => PreconditionFailed(e.Detail),
        UnauthorizedError e => Unauthorized(e.Detail, e.InvalidToken),
        ForbiddenError e => Problem(Types.Forbidden, "Forbidden", 403, e.Detail),
        RateLimitedError e => Problem(Types.RateLimited, "Too many requests", 429, e.Detail)
            .WithHeader("Retry-After", RetryAfterSeconds(e.RetryAfter)),
        BudgetExhaustedError e => Problem(Types.BudgetExhausted + e.Budget, "Delivery budget exhausted", 429, e.Detail)
            .WithHeader("Retry-After", RetryAfterSeconds(e.RetryAfter)),
        OtpRejectedError e => HttpResponseData.Problem(
                new ProblemDetails(Types.OtpRejected, "OTP rejected", 401, e.Detail)
                {
                    Reason = e.Reason,
                    AttemptsRemaining = e.AttemptsRemaining,
                })
            .WithHeader("Cache-Control", "no-store"),
        _ => null,
    };

    public static HttpResponseData Validation(IReadOnlyDictionary<string, string[]> errors, string detail = ValidationError.ManyFields) =>
        HttpResponseData.Problem(new ProblemDetails(Types.Validation, "Invalid request", 400, detail) { Errors = errors });

    public static HttpResponseData Invalid(string field, string message) =>
        From(ValidationError.For(field, message))!;

    public static HttpResponseData RouteNotFound(string path) =>
        Problem(Types.RouteNotFound, "Not found", 404, $"There is no resource at '{Truncate(path)}'.");

    public static HttpResponseData MethodNotAllowed(string method, IReadOnlyList<string> allowed) =>
        Problem(Types.MethodNotAllowed, "Method not allowed", 405,
                $"{Truncate(method)} is not allowed here; use {string.Join(" or ", allowed)}.")
            .WithHeader("Allow", string.Join(", ", allowed));

    public static HttpResponseData PayloadTooLarge(int limit) =>
        Problem(Types.PayloadTooLarge, "Payload too large", 413, $"The request body must be at most {limit} bytes.");

    public static HttpResponseData UnsupportedMediaType() =>
        Problem(Types.UnsupportedMediaType, "Unsupported media type", 415,
            "The request body must be sent as Content-Type: application/json (optionally with charset=utf-8).");

    public static HttpResponseData Unauthorized(string detail, bool invalidToken) =>
        Problem(Types.Unauthorized, "Unauthorized", 401, detail)
            .WithHeader("WWW-Authenticate", invalidToken ? "Bearer error=\"invalid_token\"" : "Bearer");

    public static HttpResponseData IdempotencyKeyReused() =>
        Problem(Types.IdempotencyKeyReused, "Idempotency key reused", 422,
            "This Idempotency-Key was used for a different request; use a new key for a new request.");

    /// <summary>The first request normally ends within a second; a retry then gets its response.</summary>
    public static HttpResponseData IdempotencyInProgress() =>
        Problem(Types.IdempotencyInProgress, "Request in progress", 409,
                "A request with this Idempotency-Key is still running; retry when it has finished.")
            .WithHeader("Retry-After", "1");

    public static HttpResponseData PreconditionFailed(string detail) =>
        Problem(Types.PreconditionFailed, "Precondition failed", 412, detail);

    /// <summary>Never says what went wrong inside: that is in the log, under the request id.</summary>
    public static HttpResponseData Internal(string requestId) =>
        Problem(Types.Internal, "Internal server error", 500,
            $"The request could not be completed because of an internal error. Quote request id {requestId} when reporting it.");

    public static HttpResponseData Unavailable() =>
        Problem(Types.Unavailable, "Service unavailable", 503, "The request ran out of time; try again.")
            .WithHeader("Retry-After", "1");

    /// <summary>Whole seconds, rounded up and at least 1, as Retry-After needs (RFC 9110 section 10.2.3).</summary>
    public static string RetryAfterSeconds(TimeSpan wait) =>
        Math.Max(1, (long)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);

    private static HttpResponseData Problem(string type, string title, int status, string detail) =>
        HttpResponseData.Problem(new ProblemDetails(type, title, status, detail));

    // A client-chosen path or method echoed into a problem stays short.
    private static string Truncate(string value) => value.Length <= 100 ? value : value[..100] + "…";
}
