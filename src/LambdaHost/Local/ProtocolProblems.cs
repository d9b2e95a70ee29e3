using System.Text.Json;
using CleanCqrs.LambdaHost.Http;

namespace CleanCqrs.LambdaHost.Local;

/// <summary>
/// The problems the local server answers itself, for requests that never become a function event:
/// malformed HTTP, timeouts, bodies over the limit. Same shape as every other problem of the API.
/// </summary>
public static class ProtocolProblems
{
    public const string ProtocolType = "urn:cleancqrs:problem:bad-http-request";
    public const string TimeoutType = "urn:cleancqrs:problem:request-timeout";
    public const string HeadersTooLargeType = "urn:cleancqrs:problem:request-headers-too-large";
    public const string VersionType = "urn:cleancqrs:problem:http-version-not-supported";

    /// <summary>The problem for a status the server refuses a request with; <paramref name="detail"/> overrides the generic text.</summary>
    public static ProblemDetails For(int status, string? detail = null) => status switch
    {
        408 => new(TimeoutType, "Request timeout", 408, detail ?? "The request (headers or body) did not arrive in time; send it again."),
        411 => new(ProtocolType, "Length required", 411, detail ?? "A request with a body must say how long it is (Content-Length or chunked)."),
        413 => new(Problems.Types.PayloadTooLarge, "Payload too large", 413, detail ?? $"The request body must be at most {RequestBody.MaxBytes} bytes."),
        414 => new(HeadersTooLargeType, "URI too long", 414, detail ?? "The request line is too long."),
        431 => new(HeadersTooLargeType, "Request header fields too large", 431, detail ?? "The request headers are too large or too many."),
        505 => new(VersionType, "HTTP version not supported", 505, detail ?? "Use HTTP/1.1 (or HTTP/1.0)."),
        >= 500 => new(Problems.Types.Internal, "Internal server error", status, detail ?? "The request could not be completed because of an internal error."),
        _ => new(ProtocolType, "Bad request", status,
            detail ?? "The request is not valid HTTP/1.1 (request line, header syntax, Host header or body framing)."),
    };

    public static byte[] Serialize(ProblemDetails problem) =>
        JsonSerializer.SerializeToUtf8Bytes(problem, HttpJson.Context.ProblemDetails);
}
