using System.Text;
using System.Text.Json.Nodes;

namespace CleanCqrs.TestSupport.Http;

/// <summary>
/// A response of the HTTP API, from the function entry (an API Gateway proxy response in either payload
/// format) or from a real HTTP connection. Every one is checked against <c>docs/openapi.yaml</c> as it
/// is built (<see cref="ApiContract"/>): there is no way to get one without that check except
/// <see cref="ParseUnchecked"/>, which names its reason and is counted.
/// </summary>
public sealed class ApiResponse
{
    private readonly Dictionary<string, List<string>> _headers = new(StringComparer.OrdinalIgnoreCase);

    private ApiResponse(int status, string? body, JsonObject? raw)
    {
        Status = status;
        Body = body;
        Raw = raw;
    }

    /// <summary>The proxy response as the function returned it; null for a response read over HTTP.</summary>
    public JsonObject? Raw { get; }

    public int Status { get; }

    /// <summary>The body text; null when there is none.</summary>
    public string? Body { get; }

    public JsonNode? Json => string.IsNullOrEmpty(Body) ? null : JsonNode.Parse(Body);

    /// <summary>The media type of Content-Type, without parameters.</summary>
    public string? MediaType => Header("Content-Type")?.Split(';')[0].Trim();

    public IReadOnlyCollection<string> HeaderNames => _headers.Keys;

    public IReadOnlyDictionary<string, List<string>> Headers => _headers;

    public string? Header(string name) => _headers.TryGetValue(name, out var values) ? string.Join(", ", values) : null;

    /// <summary>The function's answer to <paramref name="request"/>, checked against the API document.</summary>
    public static ApiResponse Parse(byte[] raw, ApiRequest request)
    {
        var response = FromProxyResponse(raw);
        ApiContract.Document.Enforce(request, response);
        return response;
    }

    /// <summary>
    /// A proxy response that is not an answer of the documented API (an event the function refuses
    /// before any route exists, say). <paramref name="reason"/> says why; such responses are counted.
    /// </summary>
    public static ApiResponse ParseUnchecked(byte[] raw, string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        ApiContract.CountUnchecked(reason);
        return FromProxyResponse(raw);
    }

    /// <summary>A response read from a real HTTP connection, checked against the API document.</summary>
    public static async Task<ApiResponse> ReadAsync(HttpResponseMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var body = await message.Content.ReadAsStringAsync(cancellationToken);
        var response = new ApiResponse((int)message.StatusCode, body.Length == 0 ? null : body, null);
        foreach (var (name, values) in message.Headers.Concat(message.Content.Headers))
        {
            foreach (var value in values)
            {
                response.Add(name, value);
            }
        }

        ApiContract.Document.Enforce(ApiRequest.Of(message.RequestMessage!), response);
        return response;
    }

    /// <summary>
    /// Builds a response by hand (the contract's own tests, or text that is searched like a reply);
    /// not checked, and counted with <paramref name="reason"/> like <see cref="ParseUnchecked"/>.
    /// </summary>
    public static ApiResponse Unchecked(int status, string? body, string reason, params (string Name, string Value)[] headers)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        ApiContract.CountUnchecked(reason);
        var response = new ApiResponse(status, body, null);
        foreach (var (name, value) in headers)
        {
            response.Add(name, value);
        }

        return response;
    }

    public override string ToString()
    {
        var text = new StringBuilder().Append(Status);
        foreach (var (name, values) in _headers)
        {
            text.Append("\n  ").Append(name).Append(": ").Append(string.Join(", ", values));
        }

        return text.Append('\n').Append(Body).ToString();
    }

    private static ApiResponse FromProxyResponse(byte[] raw)
    {
        var json = JsonNode.Parse(raw)!.AsObject();
        var body = json["body"]?.GetValue<string>();
        if (json["isBase64Encoded"]?.GetValue<bool>() == true && body is not null)
        {
            body = Encoding.UTF8.GetString(Convert.FromBase64String(body));
        }

        var response = new ApiResponse(json["statusCode"]!.GetValue<int>(), string.IsNullOrEmpty(body) ? null : body, json);
        foreach (var (name, value) in json["headers"]?.AsObject() ?? [])
        {
            response.Add(name, value!.GetValue<string>());
        }

        // Payload 1.0 puts a repeated header here (and only here); payload 2.0 has no such member.
        foreach (var (name, values) in json["multiValueHeaders"]?.AsObject() ?? [])
        {
            foreach (var value in values!.AsArray())
            {
                response.Add(name, value!.GetValue<string>());
            }
        }

        return response;
    }

    private void Add(string name, string value)
    {
        if (!_headers.TryGetValue(name, out var values))
        {
            _headers[name] = values = [];
        }

        values.Add(value);
    }
}
