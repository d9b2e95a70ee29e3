using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace CleanCqrs.Bench.InProcess;

/// <summary>
/// API Gateway HTTP API (payload 2.0) events as a mobile client's request arrives at the function on
/// the <c>$default</c> stage: the headers API Gateway adds, the request context, the body as text.
/// </summary>
public static class HttpApiEvents
{
    private static readonly DateTimeOffset Time = new(2026, 11, 27, 9, 0, 0, TimeSpan.Zero);

    public static byte[] Get(string path, string? query = null) => Build("GET", path, query, token: null, json: null);

    public static byte[] Put(string path, string token, string json) => Build("PUT", path, null, token, json);

    public static byte[] Post(string path, string token, string json) => Build("POST", path, null, token, json);

    public static byte[] Build(string method, string path, string? query, string? token, string? json)
    {
        const string userAgent = "okhttp/4.12.0";
        const string sourceIp = "203.0.113.7";
        var headers = new JsonObject
        {
            ["accept"] = "application/json",
            ["accept-encoding"] = "gzip",
            ["host"] = "r3pmxmplak.execute-api.ap-southeast-1.amazonaws.com",
            ["user-agent"] = userAgent,
            ["x-amzn-trace-id"] = "Root=1-6746e0d0-1c2b3d4e5f60718293a4b5c6",
            ["x-forwarded-for"] = sourceIp,
            ["x-forwarded-port"] = "443",
            ["x-forwarded-proto"] = "https",
        };
        if (token is not null)
        {
            headers["authorization"] = "Bearer " + token;
        }

        if (json is not null)
        {
            headers["content-type"] = "application/json";
            headers["content-length"] = Encoding.UTF8.GetByteCount(json).ToString(CultureInfo.InvariantCulture);
        }

        var @event = new JsonObject
        {
            ["version"] = "2.0",
            ["routeKey"] = "$default",
            ["rawPath"] = path,
            ["rawQueryString"] = query ?? string.Empty,
            ["headers"] = headers,
            ["requestContext"] = new JsonObject
            {
                ["accountId"] = "123456789012",
                ["apiId"] = "r3pmxmplak",
                ["domainName"] = "r3pmxmplak.execute-api.ap-southeast-1.amazonaws.com",
                ["domainPrefix"] = "r3pmxmplak",
                ["http"] = new JsonObject
                {
                    ["method"] = method,
                    ["path"] = path,
                    ["protocol"] = "HTTP/1.1",
                    ["sourceIp"] = sourceIp,
                    ["userAgent"] = userAgent,
                },
                ["requestId"] = "JKJaXmPLvHcESHA=",
                ["routeKey"] = "$default",
                ["stage"] = "$default",
                ["time"] = Time.ToString("dd/MMM/yyyy:HH:mm:ss +0000", CultureInfo.InvariantCulture),
                ["timeEpoch"] = Time.ToUnixTimeMilliseconds(),
            },
            ["isBase64Encoded"] = false,
        };
        if (query is { Length: > 0 })
        {
            var parameters = new JsonObject();
            foreach (var pair in query.Split('&'))
            {
                var equals = pair.IndexOf('=', StringComparison.Ordinal);
                parameters[equals < 0 ? pair : pair[..equals]] = equals < 0 ? string.Empty : pair[(equals + 1)..];
            }

            @event["queryStringParameters"] = parameters;
        }

        if (json is not null)
        {
            @event["body"] = json;
        }

        return Encoding.UTF8.GetBytes(@event.ToJsonString());
    }
}
