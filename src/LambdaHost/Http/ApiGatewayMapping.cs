using System.Collections.ObjectModel;
using System.Net;
using System.Text;
using System.Text.Unicode;
using CleanCqrs.LambdaHost.Lambda.Events;

namespace CleanCqrs.LambdaHost.Http;

/// <summary>Translates between API Gateway's two proxy payload formats and <see cref="HttpRequestData"/>/<see cref="HttpResponseData"/>.</summary>
public static class ApiGatewayMapping
{
    private const string DefaultStage = "$default";

    /// <summary>REST API (payload 1.0); multi-value headers and query parameters win over the single-value maps.</summary>
    public static HttpRequestData FromRestApi(ApiGatewayProxyRequest request, string invocationRequestId) => new()
    {
        Method = request.HttpMethod ?? request.RequestContext?.HttpMethod ?? string.Empty,
        Path = NonEmptyPath(request.Path ?? request.RequestContext?.ResourcePath),
        Headers = RequestHeaders.From(request.Headers, request.MultiValueHeaders),
        Query = request.MultiValueQueryStringParameters is { } multi
            ? multi.ToDictionary(p => p.Key, p => (IReadOnlyList<string>)(p.Value ?? []), StringComparer.Ordinal)
            : Single(request.QueryStringParameters),
        Body = request.Body,
        IsBase64Encoded = request.IsBase64Encoded,
        RequestId = NonEmpty(request.RequestContext?.RequestId) ?? invocationRequestId,
        SourceAddress = NonEmpty(request.RequestContext?.Identity?.SourceIp),
    };

    /// <summary>
    /// HTTP API (payload 2.0). The query is read from <c>rawQueryString</c>, which keeps repeated
    /// parameters apart; cookies go back into a <c>cookie</c> header; a named stage is cut off the path.
    /// </summary>
    public static HttpRequestData FromHttpApi(HttpApiRequest request, string invocationRequestId)
    {
        var headers = request.Headers ?? [];
        if (request.Cookies is { Count: > 0 } cookies)
        {
            headers = new Dictionary<string, string?>(headers, StringComparer.OrdinalIgnoreCase) { ["cookie"] = string.Join("; ", cookies) };
        }

        return new HttpRequestData
        {
            Method = request.RequestContext?.Http?.Method ?? string.Empty,
            Path = WithoutStage(NonEmptyPath(request.RawPath ?? request.RequestContext?.Http?.Path), request.RequestContext?.Stage),
            Headers = RequestHeaders.From(headers, null),
            Query = request.RawQueryString switch
            {
                null => Single(request.QueryStringParameters),
                "" => ReadOnlyDictionary<string, IReadOnlyList<string>>.Empty,
                var raw => ParseQuery(raw),
            },
            Body = request.Body,
            IsBase64Encoded = request.IsBase64Encoded,
            RequestId = NonEmpty(request.RequestContext?.RequestId) ?? invocationRequestId,
            SourceAddress = NonEmpty(request.RequestContext?.Http?.SourceIp),
        };
    }

    public static ApiGatewayProxyResponse ToRestApi(HttpResponseData response)
    {
        Dictionary<string, string>? single = null;
        Dictionary<string, List<string>>? multi = null;
        foreach (var group in response.Headers.GroupBy(h => h.Key, StringComparer.OrdinalIgnoreCase))
        {
            var values = group.Select(h => h.Value).ToList();
            if (values.Count == 1)
            {
                (single ??= new(StringComparer.OrdinalIgnoreCase))[group.Key] = values[0];
            }
            else
            {
                (multi ??= new(StringComparer.OrdinalIgnoreCase))[group.Key] = values;
            }
        }

        var (body, base64) = EncodeBody(response.Body);
        return new ApiGatewayProxyResponse
        {
            StatusCode = response.StatusCode,
            Headers = single,
            MultiValueHeaders = multi,
            Body = body,
            IsBase64Encoded = base64,
        };
    }

    /// <summary>Payload 2.0 has no multi-value headers: repeated ones are joined by commas, <c>Set-Cookie</c> goes to <c>cookies</c>.</summary>
    public static HttpApiResponse ToHttpApi(HttpResponseData response)
    {
        // One pass, no grouping: this runs on every invocation (bench/Overhead counts its bytes).
        Dictionary<string, string>? headers = null;
        List<string>? cookies = null;
        foreach (var (name, value) in response.Headers)
        {
            if (name.Equals("Set-Cookie", StringComparison.OrdinalIgnoreCase))
            {
                (cookies ??= []).Add(value);
                continue;
            }

            headers ??= new(response.Headers.Count, StringComparer.OrdinalIgnoreCase);
            headers[name] = headers.TryGetValue(name, out var earlier) ? earlier + ", " + value : value;
        }

        var (body, base64) = EncodeBody(response.Body);
        return new HttpApiResponse
        {
            StatusCode = response.StatusCode,
            Headers = headers,
            Cookies = cookies,
            Body = body,
            IsBase64Encoded = base64,
        };
    }

    /// <summary>Splits <c>a=1&amp;a=2&amp;b</c>, percent-decoding names and values (<c>+</c> is a space).</summary>
    public static Dictionary<string, IReadOnlyList<string>> ParseQuery(string rawQuery)
    {
        ArgumentNullException.ThrowIfNull(rawQuery);
        var parameters = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var pair in rawQuery.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var name = WebUtility.UrlDecode(equals < 0 ? pair : pair[..equals]);
            var value = equals < 0 ? string.Empty : WebUtility.UrlDecode(pair[(equals + 1)..]);
            if (parameters.TryGetValue(name, out var values))
            {
                // Every list in the map was made just below.
                ((List<string>)values).Add(value);
            }
            else
            {
                parameters[name] = new List<string>(1) { value };
            }
        }

        return parameters;
    }

    private static (string? Body, bool IsBase64) EncodeBody(byte[] body) =>
        body.Length == 0 ? (null, false)
        : Utf8.IsValid(body) ? (Encoding.UTF8.GetString(body), false)
        : (Convert.ToBase64String(body), true);

    private static Dictionary<string, IReadOnlyList<string>> Single(Dictionary<string, string?>? parameters) =>
        (parameters ?? []).Where(p => p.Value is not null)
            .ToDictionary(p => p.Key, p => (IReadOnlyList<string>)[p.Value!], StringComparer.Ordinal);

    private static string NonEmptyPath(string? path) => string.IsNullOrEmpty(path) ? "/" : path;

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    // An HTTP API on a named stage puts the stage in rawPath; the routes do not know about stages.
    private static string WithoutStage(string path, string? stage)
    {
        if (string.IsNullOrEmpty(stage) || stage == DefaultStage)
        {
            return path;
        }

        var prefix = "/" + stage;
        if (path == prefix)
        {
            return "/";
        }

        return path.StartsWith(prefix + "/", StringComparison.Ordinal) ? path[prefix.Length..] : path;
    }
}
