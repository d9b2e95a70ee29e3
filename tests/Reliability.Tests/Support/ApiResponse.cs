using System.Text;
using System.Text.Json.Nodes;

namespace CleanCqrs.Reliability.Tests.Support;

/// <summary>An API Gateway proxy response as the function returned it, in either payload format.</summary>
public sealed class ApiResponse
{
    private readonly Dictionary<string, List<string>> _headers = new(StringComparer.OrdinalIgnoreCase);

    private ApiResponse(int status, string? body)
    {
        Status = status;
        Body = body;
    }

    public int Status { get; }

    public string? Body { get; }

    public JsonNode? Json => string.IsNullOrEmpty(Body) ? null : JsonNode.Parse(Body);

    public string? Header(string name) => _headers.TryGetValue(name, out var values) ? string.Join(", ", values) : null;

    public static ApiResponse Parse(byte[] raw)
    {
        var json = JsonNode.Parse(raw)!.AsObject();
        var body = json["body"]?.GetValue<string>();
        if (json["isBase64Encoded"]?.GetValue<bool>() == true && body is not null)
        {
            body = Encoding.UTF8.GetString(Convert.FromBase64String(body));
        }

        var response = new ApiResponse(json["statusCode"]!.GetValue<int>(), body);
        foreach (var (name, value) in json["headers"]?.AsObject() ?? [])
        {
            response.Add(name, value!.GetValue<string>());
        }

        foreach (var (name, values) in json["multiValueHeaders"]?.AsObject() ?? [])
        {
            foreach (var value in values!.AsArray())
            {
                response.Add(name, value!.GetValue<string>());
            }
        }

        return response;
    }

    /// <summary>A response read from a real HTTP connection (the child-process tests).</summary>
    public static async Task<ApiResponse> ReadAsync(HttpResponseMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var body = await message.Content.ReadAsStringAsync(cancellationToken);
        var response = new ApiResponse((int)message.StatusCode, body.Length == 0 ? null : body);
        foreach (var (name, values) in message.Headers.Concat(message.Content.Headers))
        {
            foreach (var value in values)
            {
                response.Add(name, value);
            }
        }

        return response;
    }

    public override string ToString() => $"{Status} {Body}";

    private void Add(string name, string value)
    {
        if (!_headers.TryGetValue(name, out var values))
        {
            _headers[name] = values = [];
        }

        values.Add(value);
    }
}
