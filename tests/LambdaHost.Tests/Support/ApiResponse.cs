using System.Text;
using System.Text.Json.Nodes;

namespace CleanCqrs.LambdaHost.Tests.Support;

/// <summary>An API Gateway proxy response as the function returned it, in either payload format.</summary>
public sealed class ApiResponse
{
    private readonly Dictionary<string, List<string>> _headers = new(StringComparer.OrdinalIgnoreCase);

    private ApiResponse(JsonObject raw) => Raw = raw;

    public JsonObject Raw { get; }

    public int Status { get; private init; }

    public string? Body { get; private init; }

    public JsonNode? Json => string.IsNullOrEmpty(Body) ? null : JsonNode.Parse(Body);

    public IReadOnlyCollection<string> HeaderNames => _headers.Keys;

    public string? Header(string name) => _headers.TryGetValue(name, out var values) ? string.Join(", ", values) : null;

    public static ApiResponse Parse(byte[] raw, PayloadFormat format)
    {
        var json = JsonNode.Parse(raw)!.AsObject();
        var body = json["body"]?.GetValue<string>();
        if (json["isBase64Encoded"]?.GetValue<bool>() == true && body is not null)
        {
            body = Encoding.UTF8.GetString(Convert.FromBase64String(body));
        }

        var response = new ApiResponse(json) { Status = json["statusCode"]!.GetValue<int>(), Body = body };
        foreach (var (name, value) in json["headers"]?.AsObject() ?? [])
        {
            response.Add(name, value!.GetValue<string>());
        }

        if (format == PayloadFormat.RestApi)
        {
            foreach (var (name, values) in json["multiValueHeaders"]?.AsObject() ?? [])
            {
                foreach (var value in values!.AsArray())
                {
                    response.Add(name, value!.GetValue<string>());
                }
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
