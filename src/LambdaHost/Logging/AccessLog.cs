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

    public void Write(HttpRequestData request, int status, TimeSpan elapsed)
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
            RouteTemplate(request.Method, request.Path),
            status,
            elapsed.TotalMilliseconds,
            request.RequestId);
    }

    /// <summary>
    /// The route table's template for <paramref name="path"/> (<c>/orgs/{id}</c>), preferring the row
    /// of the same method; <see cref="Unmatched"/> when no template fits.
    /// </summary>
    public static string RouteTemplate(string method, string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string? anyMethod = null;
        foreach (var route in Routes.Table)
        {
            if (!Fits(route.Template, path))
            {
                continue;
            }

            if (string.Equals(route.Method, method, StringComparison.Ordinal))
            {
                return route.Template;
            }

            anyMethod ??= route.Template;
        }

        return anyMethod ?? Unmatched;
    }

    private static bool Fits(string template, string path)
    {
        var templateSegments = template.Split('/');
        var pathSegments = path.Split('/');
        if (templateSegments.Length != pathSegments.Length)
        {
            return false;
        }

        for (var i = 0; i < templateSegments.Length; i++)
        {
            var expected = templateSegments[i];
            var isParameter = expected.Length > 2 && expected[0] == '{' && expected[^1] == '}';
            if (isParameter ? pathSegments[i].Length == 0 : !string.Equals(expected, pathSegments[i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }
}
