using CleanCqrs.Infrastructure.Configuration;

namespace CleanCqrs.LambdaHost.Http;

/// <summary>
/// CORS (SPEC 5.4), in the function so it holds behind API Gateway and locally alike. With
/// <c>CORS_ALLOWED_ORIGINS</c> unset nothing changes: no CORS headers, and <c>OPTIONS</c> is a 405 like
/// any other method a route does not serve. With it set, a preflight (<c>OPTIONS</c> with <c>Origin</c>
/// and <c>Access-Control-Request-Method</c>) from an allowed origin is a 204 naming the methods and
/// request headers the API accepts, and every response to an allowed origin exposes the headers a
/// client reads (<see cref="ExposedHeaders"/>). Tokens travel in <c>Authorization</c>, never in
/// cookies, so credentials are not allowed.
/// </summary>
public sealed class CorsPolicy
{
    public static readonly CorsPolicy Disabled = new([]);

    /// <summary>Request headers a browser may send (besides the CORS-safelisted ones).</summary>
    public const string AllowedHeaders = "Authorization, Content-Type, If-Match, If-None-Match, Idempotency-Key, X-Correlation-Id";

    /// <summary>Response headers a browser script may read (SPEC 5.4).</summary>
    public const string ExposedHeaders = "ETag, Location, Retry-After, X-Request-Id, Idempotency-Replayed";

    /// <summary>How long a browser may cache a preflight answer, in seconds.</summary>
    public const string MaxAgeSeconds = "600";

    private static readonly string[] MethodOrder = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"];

    private readonly HashSet<string> _origins;
    private readonly bool _anyOrigin;

    public CorsPolicy(ServiceSettings settings)
        : this((settings ?? throw new ArgumentNullException(nameof(settings))).CorsAllowedOrigins)
    {
    }

    public CorsPolicy(IReadOnlyList<string> allowedOrigins)
    {
        ArgumentNullException.ThrowIfNull(allowedOrigins);
        _anyOrigin = allowedOrigins.Contains("*");
        _origins = new HashSet<string>(allowedOrigins, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The methods of the route table, for <c>Access-Control-Allow-Methods</c>.</summary>
    public static string AllowedMethods { get; } = string.Join(
        ", ", Routes.Table.Select(r => r.Method).Distinct(StringComparer.Ordinal).OrderBy(m => Array.IndexOf(MethodOrder, m) is var i and >= 0 ? i : MethodOrder.Length));

    public bool IsEnabled => _anyOrigin || _origins.Count > 0;

    /// <summary>The answer to a CORS preflight; null when the request is not one (or CORS is off).</summary>
    public HttpResponseData? Preflight(HttpRequestData request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!IsEnabled || request.Method != "OPTIONS" || request.Headers.Count("origin") != 1
            || request.Headers.Count("access-control-request-method") == 0)
        {
            return null;
        }

        var origin = request.Headers["origin"]!;
        if (!Allows(origin))
        {
            return HttpResponseData.Problem(new ProblemDetails(
                Problems.Types.Forbidden, "Forbidden", 403, $"Origin '{Truncate(origin)}' is not allowed to call this API (CORS_ALLOWED_ORIGINS)."));
        }

        return AllowOrigin(HttpResponseData.Empty(204), origin)
            .WithHeader("Access-Control-Allow-Methods", AllowedMethods)
            .WithHeader("Access-Control-Allow-Headers", AllowedHeaders)
            .WithHeader("Access-Control-Max-Age", MaxAgeSeconds);
    }

    /// <summary><paramref name="response"/>, with the CORS headers when the request came from an allowed origin.</summary>
    public HttpResponseData Apply(HttpRequestData request, HttpResponseData response)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(response);
        if (!IsEnabled || response.Header("Access-Control-Allow-Origin") is not null
            || request.Headers.Count("origin") != 1 || request.Headers["origin"] is not { } origin || !Allows(origin))
        {
            return response;
        }

        return AllowOrigin(response, origin).WithHeader("Access-Control-Expose-Headers", ExposedHeaders);
    }

    private bool Allows(string origin) => _anyOrigin || _origins.Contains(origin.TrimEnd('/'));

    private HttpResponseData AllowOrigin(HttpResponseData response, string origin) =>
        _anyOrigin
            ? response.WithHeader("Access-Control-Allow-Origin", "*")
            // The answer depends on the caller's origin: a shared cache must key on it.
            : response.WithHeader("Access-Control-Allow-Origin", origin.TrimEnd('/')).WithHeader("Vary", "Origin");

    private static string Truncate(string value) => value.Length <= 100 ? value : value[..100] + "…";
}
