using System.Text;
using System.Text.Json.Nodes;

namespace CleanCqrs.Reliability.Tests.Support;

/// <summary>
/// API Gateway proxy events in the shapes AWS documents: HTTP API (payload 2.0) and REST API
/// (payload 1.0), with the members a real event carries.
/// </summary>
public static class ApiGatewayEvents
{
    public static byte[] Build(ApiRequest request, PayloadFormat format) =>
        Encoding.UTF8.GetBytes((format == PayloadFormat.HttpApi ? HttpApi(request) : RestApi(request)).ToJsonString());

    public static JsonObject HttpApi(ApiRequest request)
    {
        var headers = new JsonObject();
        foreach (var group in request.Headers.GroupBy(h => h.Key.ToLowerInvariant(), StringComparer.Ordinal))
        {
            // HTTP API joins repeated headers with commas.
            headers[group.Key] = string.Join(",", group.Select(h => h.Value));
        }

        var query = ParseQuery(request.Query);
        var e = new JsonObject
        {
            ["version"] = "2.0",
            ["routeKey"] = "$default",
            ["rawPath"] = request.Path,
            ["rawQueryString"] = request.Query ?? string.Empty,
            ["headers"] = headers,
        };
        if (query.Count > 0)
        {
            var parameters = new JsonObject();
            foreach (var (name, values) in query)
            {
                parameters[name] = string.Join(",", values);
            }

            e["queryStringParameters"] = parameters;
        }

        e["requestContext"] = new JsonObject
        {
            ["accountId"] = "123456789012",
            ["apiId"] = "api-id",
            ["domainName"] = "id.execute-api.us-east-1.amazonaws.com",
            ["domainPrefix"] = "id",
            ["http"] = new JsonObject
            {
                ["method"] = request.Method,
                ["path"] = request.Path,
                ["protocol"] = "HTTP/1.1",
                ["sourceIp"] = "192.0.2.1",
                ["userAgent"] = "reliability-tests",
            },
            ["requestId"] = "req-" + Guid.NewGuid().ToString("N"),
            ["routeKey"] = "$default",
            ["stage"] = "$default",
            ["time"] = "12/Mar/2026:19:03:58 +0000",
            ["timeEpoch"] = 1_773_342_238_000L,
        };
        if (request.Body is not null)
        {
            e["body"] = request.Body;
        }

        e["isBase64Encoded"] = request.IsBase64Encoded;
        return e;
    }

    public static JsonObject RestApi(ApiRequest request)
    {
        var headers = new JsonObject();
        var multiHeaders = new JsonObject();
        foreach (var group in request.Headers.GroupBy(h => h.Key, StringComparer.OrdinalIgnoreCase))
        {
            headers[group.Key] = group.Last().Value;
            multiHeaders[group.Key] = new JsonArray([.. group.Select(h => (JsonNode?)JsonValue.Create(h.Value))]);
        }

        var query = ParseQuery(request.Query);
        JsonNode? single = null;
        JsonNode? multi = null;
        if (query.Count > 0)
        {
            var s = new JsonObject();
            var m = new JsonObject();
            foreach (var (name, values) in query)
            {
                s[name] = values[^1];
                m[name] = new JsonArray([.. values.Select(v => (JsonNode?)JsonValue.Create(v))]);
            }

            single = s;
            multi = m;
        }

        return new JsonObject
        {
            ["resource"] = "/{proxy+}",
            ["path"] = request.Path,
            ["httpMethod"] = request.Method,
            ["headers"] = headers,
            ["multiValueHeaders"] = multiHeaders,
            ["queryStringParameters"] = single,
            ["multiValueQueryStringParameters"] = multi,
            ["pathParameters"] = new JsonObject { ["proxy"] = request.Path.TrimStart('/') },
            ["stageVariables"] = null,
            ["requestContext"] = new JsonObject
            {
                ["accountId"] = "123456789012",
                ["resourceId"] = "123456",
                ["stage"] = "prod",
                ["requestId"] = Guid.NewGuid().ToString(),
                ["requestTime"] = "12/Mar/2026:19:03:58 +0000",
                ["requestTimeEpoch"] = 1_773_342_238_000L,
                ["identity"] = new JsonObject { ["sourceIp"] = "192.0.2.1", ["userAgent"] = "reliability-tests" },
                ["path"] = "/prod" + request.Path,
                ["resourcePath"] = "/{proxy+}",
                ["httpMethod"] = request.Method,
                ["apiId"] = "1234567890",
                ["protocol"] = "HTTP/1.1",
            },
            ["body"] = request.Body,
            ["isBase64Encoded"] = request.IsBase64Encoded,
        };
    }

    private static List<(string Name, List<string> Values)> ParseQuery(string? query)
    {
        var result = new List<(string Name, List<string> Values)>();
        foreach (var pair in (query ?? string.Empty).Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = pair.Split('=', 2);
            var name = Unescape(parts[0]);
            var value = parts.Length > 1 ? Unescape(parts[1]) : string.Empty;
            var existing = result.FindIndex(p => p.Name == name);
            if (existing < 0)
            {
                result.Add((name, [value]));
            }
            else
            {
                result[existing].Values.Add(value);
            }
        }

        return result;
    }

    private static string Unescape(string value) => Uri.UnescapeDataString(value.Replace('+', ' '));
}
