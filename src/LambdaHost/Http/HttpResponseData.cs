using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace CleanCqrs.LambdaHost.Http;

/// <summary>One HTTP response, before it is shaped for the payload format that asked for it.</summary>
public sealed class HttpResponseData
{
    private readonly List<KeyValuePair<string, string>> _headers;

    private HttpResponseData(int statusCode, byte[] body, List<KeyValuePair<string, string>> headers)
    {
        StatusCode = statusCode;
        Body = body;
        _headers = headers;
    }

    public int StatusCode { get; }

    /// <summary>Header lines in order; a name may repeat.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers => _headers;

    public byte[] Body { get; }

    public string? Header(string name)
    {
        var values = _headers.Where(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).ToArray();
        return values.Length == 0 ? null : string.Join(", ", values);
    }

    public static HttpResponseData Empty(int statusCode) => new(statusCode, [], NewHeaders());

    public static HttpResponseData Json<T>(int statusCode, T value, JsonTypeInfo<T> typeInfo) =>
        new(statusCode, JsonSerializer.SerializeToUtf8Bytes(value, typeInfo), NewHeaders(new("Content-Type", MediaTypes.Json)));

    /// <summary>A body that is already JSON text (the JWKS document comes that way).</summary>
    public static HttpResponseData RawJson(int statusCode, byte[] utf8Json) =>
        new(statusCode, utf8Json, NewHeaders(new("Content-Type", MediaTypes.Json)));

    /// <summary>A response kept earlier (an idempotent replay), with its content type as it was.</summary>
    public static HttpResponseData Stored(int statusCode, string? contentType, byte[] body) =>
        new(statusCode, body, contentType is null ? NewHeaders() : NewHeaders(new("Content-Type", contentType)));

    public static HttpResponseData Problem(ProblemDetails problem) =>
        new(problem.Status, JsonSerializer.SerializeToUtf8Bytes(problem, HttpJson.Context.ProblemDetails),
            NewHeaders(new("Content-Type", MediaTypes.ProblemJson)));

    /// <summary>The answer to a <c>HEAD</c>: the same status and headers, no body.</summary>
    public HttpResponseData WithoutBody() => new(StatusCode, [], [.. _headers]);

    public HttpResponseData WithHeader(string name, string value)
    {
        _headers.Add(new(name, value));
        return this;
    }

    // Room for what a response usually gets (content type, ETag, caching, request and correlation
    // ids), so the list is not regrown header by header on every request.
    private static List<KeyValuePair<string, string>> NewHeaders(KeyValuePair<string, string>? first = null)
    {
        var headers = new List<KeyValuePair<string, string>>(6);
        if (first is { } header)
        {
            headers.Add(header);
        }

        return headers;
    }
}

public static class MediaTypes
{
    public const string Json = "application/json";
    public const string ProblemJson = "application/problem+json";
}
