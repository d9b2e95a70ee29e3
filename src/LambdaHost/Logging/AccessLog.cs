using CleanCqrs.LambdaHost.Http;
using Microsoft.Extensions.Logging;

namespace CleanCqrs.LambdaHost.Logging;

/// <summary>
/// One line per HTTP request, whatever answered it (the pipeline, or the edge refusing it first: 404,
/// 405, 413, 415, 401, 400): method, route template (never the raw id, which may be personal data),
/// status, duration and API Gateway's request id. The invocation's own fields (request id, trace) come
/// from the log scope like on every line.
/// </summary>
public sealed class AccessLog(ILogger<AccessLog> logger)
{
    /// <summary>The route field of a request whose path no route serves.</summary>
    public const string Unmatched = "(unmatched)";

    /// <param name="route">The router's match for the request (its template, never the raw path).</param>
    public void Write(HttpRequestData request, RouteMatch route, int status, TimeSpan elapsed)
    {
        ArgumentNullException.ThrowIfNull(request);
        var level = status >= 500 ? LogLevel.Error : LogLevel.Information;
        if (!logger.IsEnabled(level))
        {
            return;
        }

        logger.Log(
            level,
            "HTTP {Method} {Route} {Status} in {DurationMs:0.0} ms (request {ApiRequestId})",
            request.Method,
            route.Template ?? Unmatched,
            status,
            elapsed.TotalMilliseconds,
            request.RequestId);
    }

    /// <summary>The route table's template for <paramref name="path"/> (<c>/orgs/{id}</c>), as the router matches it; <see cref="Unmatched"/> when none does.</summary>
    public static string RouteTemplate(string method, string path) => Routes.Match(method, path).Template ?? Unmatched;
}
