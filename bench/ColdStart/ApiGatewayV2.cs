using System.Globalization;
using System.Text;
using System.Text.Json;

namespace CleanCqrs.Bench.ColdStart;

/// <summary>The API response a function returned for an API Gateway proxy event.</summary>
internal sealed record ApiResponse(int StatusCode, string Body, string Raw)
{
    public bool IsSuccess => StatusCode is >= 200 and < 300;

    /// <summary>
    /// Reads the proxy response format (<c>{statusCode, headers, body, isBase64Encoded}</c>); anything
    /// else is not an API response and fails the run.
    /// </summary>
    public static ApiResponse Parse(string raw)
    {
        try
        {
            using var document = JsonDocument.Parse(raw);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("statusCode", out var status) && status.ValueKind == JsonValueKind.Number)
            {
                var body = root.TryGetProperty("body", out var text) && text.ValueKind == JsonValueKind.String ? text.GetString() ?? "" : "";
                if (root.TryGetProperty("isBase64Encoded", out var encoded) && encoded.ValueKind == JsonValueKind.True)
                {
                    body = Encoding.UTF8.GetString(Convert.FromBase64String(body));
                }

                return new ApiResponse(status.GetInt32(), body, raw);
            }
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            throw new InvalidDataException($"the function's response is not an API Gateway proxy response: {e.Message}: {raw}", e);
        }

        throw new InvalidDataException($"the function's response is not an API Gateway proxy response (no numeric statusCode): {raw}");
    }
}

/// <summary>API Gateway HTTP API (payload format 2.0) request events, shaped like the ones API Gateway sends.</summary>
internal static class ApiGatewayV2
{
    public static byte[] Request(string method, string path, byte[] jsonBody, string? bearerToken = null)
    {
        var now = DateTimeOffset.UtcNow;
        var requestId = Guid.NewGuid().ToString("N")[..16];
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("version", "2.0");
            json.WriteString("routeKey", "$default");
            json.WriteString("rawPath", path);
            json.WriteString("rawQueryString", "");
            json.WriteStartObject("headers");
            json.WriteString("accept", "application/json");
            json.WriteString("content-length", jsonBody.Length.ToString(CultureInfo.InvariantCulture));
            json.WriteString("content-type", "application/json");
            json.WriteString("host", "bench.execute-api.ap-southeast-3.amazonaws.com");
            json.WriteString("user-agent", "cleancqrs-coldstart");
            json.WriteString("x-forwarded-for", "192.0.2.1");
            json.WriteString("x-forwarded-port", "443");
            json.WriteString("x-forwarded-proto", "https");
            if (bearerToken is not null)
            {
                json.WriteString("authorization", "Bearer " + bearerToken);
            }

            json.WriteEndObject();
            json.WriteStartObject("requestContext");
            json.WriteString("accountId", "123456789012");
            json.WriteString("apiId", "bench");
            json.WriteString("domainName", "bench.execute-api.ap-southeast-3.amazonaws.com");
            json.WriteString("domainPrefix", "bench");
            json.WriteStartObject("http");
            json.WriteString("method", method);
            json.WriteString("path", path);
            json.WriteString("protocol", "HTTP/1.1");
            json.WriteString("sourceIp", "192.0.2.1");
            json.WriteString("userAgent", "cleancqrs-coldstart");
            json.WriteEndObject();
            json.WriteString("requestId", requestId);
            json.WriteString("routeKey", "$default");
            json.WriteString("stage", "$default");
            json.WriteString("time", now.ToString("dd/MMM/yyyy:HH:mm:ss +0000", CultureInfo.InvariantCulture));
            json.WriteNumber("timeEpoch", now.ToUnixTimeMilliseconds());
            json.WriteEndObject();
            json.WriteString("body", Encoding.UTF8.GetString(jsonBody));
            json.WriteBoolean("isBase64Encoded", false);
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
