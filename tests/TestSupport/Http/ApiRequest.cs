using System.Globalization;
using System.Text;

namespace CleanCqrs.TestSupport.Http;

/// <summary>The two API Gateway proxy payload formats the function accepts.</summary>
public enum PayloadFormat
{
    /// <summary>HTTP API, payload format 2.0.</summary>
    HttpApi,

    /// <summary>REST API, payload format 1.0.</summary>
    RestApi,
}

/// <summary>One HTTP request as a test means it, before it is dressed as an API Gateway event or sent over a socket.</summary>
public sealed record ApiRequest(string Method, string Path)
{
    /// <summary>The raw query string, without '?'.</summary>
    public string? Query { get; init; }

    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    public string? Body { get; init; }

    public bool IsBase64Encoded { get; init; }

    /// <summary>The client address API Gateway reports; null keeps the sample's.</summary>
    public string? SourceAddress { get; init; }

    public ApiRequest From(string sourceAddress) => this with { SourceAddress = sourceAddress };

    public ApiRequest WithHeader(string name, string value) => this with { Headers = [.. Headers, new(name, value)] };

    public ApiRequest WithJson(string json) => (this with { Body = json }).WithHeader("Content-Type", "application/json");

    public ApiRequest WithBearer(string token) => WithHeader("Authorization", "Bearer " + token);

    public ApiRequest WithBinaryBody(byte[] body) => this with { Body = Convert.ToBase64String(body), IsBase64Encoded = true };

    public static ApiRequest PostJson(string path, string json, string? token = null)
    {
        var request = new ApiRequest("POST", path).WithJson(json);
        return token is null ? request : request.WithBearer(token);
    }

    public static ApiRequest PutJson(string path, string json, string? token = null, string? ifMatch = null)
    {
        var request = new ApiRequest("PUT", path).WithJson(json);
        request = token is null ? request : request.WithBearer(token);
        return ifMatch is null ? request : request.WithHeader("If-Match", ifMatch);
    }

    /// <summary>The request line of a request sent over HTTP, for the contract to find its operation.</summary>
    public static ApiRequest Of(HttpRequestMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var uri = message.RequestUri ?? throw new ArgumentException("The request has no URI.", nameof(message));
        if (!uri.IsAbsoluteUri)
        {
            uri = new Uri(new Uri("http://127.0.0.1"), uri);
        }

        var query = uri.Query.TrimStart('?');
        return new ApiRequest(message.Method.Method, uri.AbsolutePath) { Query = query.Length == 0 ? null : query };
    }

    public override string ToString()
    {
        var text = new StringBuilder().Append(Method).Append(' ').Append(Path);
        if (!string.IsNullOrEmpty(Query))
        {
            text.Append('?').Append(Query);
        }

        foreach (var (name, value) in Headers)
        {
            text.Append("\n  ").Append(name).Append(": ").Append(Shorten(value));
        }

        if (Body is not null)
        {
            text.Append("\n  body").Append(IsBase64Encoded ? " (base64)" : string.Empty).Append(": ").Append(Shorten(Body));
        }

        return text.ToString();
    }

    private static string Shorten(string value) =>
        value.Length <= 300 ? value : string.Create(CultureInfo.InvariantCulture, $"{value[..300]}… ({value.Length} chars)");
}
