using System.Collections.ObjectModel;

namespace CleanCqrs.LambdaHost.Http;

/// <summary>
/// One HTTP request as the API sees it, whichever API Gateway payload format carried it. The body
/// is still as the event holds it (text or base64) so that its size and type are checked before it
/// is decoded.
/// </summary>
public sealed class HttpRequestData
{
    public required string Method { get; init; }

    /// <summary>The request path without query and without an API Gateway stage prefix.</summary>
    public required string Path { get; init; }

    public RequestHeaders Headers { get; init; } = RequestHeaders.Empty;

    /// <summary>Decoded query parameters; a repeated parameter has several values.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Query { get; init; } =
        ReadOnlyDictionary<string, IReadOnlyList<string>>.Empty;

    public string? Body { get; init; }

    public bool IsBase64Encoded { get; init; }

    /// <summary>API Gateway's request id (or the invocation's, when the event has none).</summary>
    public required string RequestId { get; init; }

    /// <summary>
    /// The client's address as API Gateway saw it (<c>requestContext.identity.sourceIp</c> in REST,
    /// <c>requestContext.http.sourceIp</c> in HTTP APIs; the TCP peer locally). Never a client header.
    /// </summary>
    public string? SourceAddress { get; init; }
}

/// <summary>Request headers: names compare case-insensitively, a name may carry several values.</summary>
public sealed class RequestHeaders
{
    public static readonly RequestHeaders Empty = new(new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase));

    // Arrays, not lists: almost every header has one value, and this is built on every request.
    private readonly Dictionary<string, string[]> _values;

    private RequestHeaders(Dictionary<string, string[]> values) => _values = values;

    /// <summary>All values of the header joined by ", " (RFC 9110 section 5.3), or null when absent.</summary>
    public string? this[string name] =>
        !_values.TryGetValue(name, out var values) || values.Length == 0 ? null
        : values.Length == 1 ? values[0]
        : string.Join(", ", values);

    /// <summary>How many field lines (values) the header arrived with.</summary>
    public int Count(string name) => _values.TryGetValue(name, out var values) ? values.Length : 0;

    public static RequestHeaders From(IEnumerable<KeyValuePair<string, string?>>? singleValued, IEnumerable<KeyValuePair<string, List<string>?>>? multiValued)
    {
        // Sized up front: growing the map header by header reallocated it three times per request.
        var capacity = multiValued is not null ? CountOf(multiValued) : singleValued is not null ? CountOf(singleValued) : 0;
        var values = new Dictionary<string, string[]>(capacity, StringComparer.OrdinalIgnoreCase);
        if (multiValued is not null)
        {
            foreach (var (name, list) in multiValued)
            {
                foreach (var value in list ?? [])
                {
                    Add(values, name, value);
                }
            }
        }
        else if (singleValued is not null)
        {
            foreach (var (name, value) in singleValued)
            {
                Add(values, name, value);
            }
        }

        return new RequestHeaders(values);
    }

    private static void Add(Dictionary<string, string[]> values, string name, string? value)
    {
        if (value is null)
        {
            return;
        }

        values[name] = values.TryGetValue(name, out var earlier) ? [.. earlier, value] : [value];
    }

    private static int CountOf<T>(IEnumerable<T> items) => items.TryGetNonEnumeratedCount(out var count) ? count : 0;
}
