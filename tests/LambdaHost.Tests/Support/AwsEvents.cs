using System.Text;
using System.Text.Json.Nodes;

namespace CleanCqrs.LambdaHost.Tests.Support;

/// <summary>
/// Real AWS events: the published samples in Events/, with only the members under test replaced.
/// </summary>
public static class AwsEvents
{
    public static JsonObject Load(string name)
    {
        using var stream = typeof(AwsEvents).Assembly.GetManifestResourceStream("Events." + name)
            ?? throw new InvalidOperationException($"No embedded sample {name}.");
        return JsonNode.Parse(stream)!.AsObject();
    }

    public static byte[] Bytes(JsonNode node) => Encoding.UTF8.GetBytes(node.ToJsonString());

    /// <summary>HTTP API payload 2.0, from the API Gateway developer guide's sample.</summary>
    public static byte[] HttpApi(ApiRequest request)
    {
        var e = Load("apigw-http-v2.json");
        e["rawPath"] = request.Path;
        e["rawQueryString"] = request.Query ?? string.Empty;
        e.Remove("cookies");
        e.Remove("pathParameters");
        var headers = new JsonObject();
        foreach (var group in request.Headers.GroupBy(h => h.Key.ToLowerInvariant()))
        {
            headers[group.Key] = string.Join(",", group.Select(h => h.Value));
        }

        e["headers"] = headers;
        var query = ParseQuery(request.Query);
        if (query.Count == 0)
        {
            e.Remove("queryStringParameters");
        }
        else
        {
            var parameters = new JsonObject();
            foreach (var (name, values) in query)
            {
                parameters[name] = string.Join(",", values);
            }

            e["queryStringParameters"] = parameters;
        }

        var context = e["requestContext"]!.AsObject();
        context["http"]!["method"] = request.Method;
        context["http"]!["path"] = request.Path;
        if (request.SourceAddress is { } v2Address)
        {
            context["http"]!["sourceIp"] = v2Address;
        }

        context["requestId"] = "req-" + Guid.NewGuid().ToString("N");
        if (request.Body is null)
        {
            e.Remove("body");
        }
        else
        {
            e["body"] = request.Body;
        }

        e["isBase64Encoded"] = request.IsBase64Encoded;
        return Bytes(e);
    }

    /// <summary>REST API payload 1.0, from the API Gateway developer guide's sample.</summary>
    public static byte[] RestApi(ApiRequest request)
    {
        var e = Load("apigw-rest-v1-proxy.json");
        e["resource"] = "/{proxy+}";
        e["path"] = request.Path;
        e["httpMethod"] = request.Method;
        var headers = new JsonObject();
        var multiHeaders = new JsonObject();
        foreach (var group in request.Headers.GroupBy(h => h.Key, StringComparer.OrdinalIgnoreCase))
        {
            headers[group.Key] = group.Last().Value;
            multiHeaders[group.Key] = new JsonArray([.. group.Select(h => (JsonNode)JsonValue.Create(h.Value))]);
        }

        e["headers"] = headers;
        e["multiValueHeaders"] = multiHeaders;
        var query = ParseQuery(request.Query);
        if (query.Count == 0)
        {
            e["queryStringParameters"] = null;
            e["multiValueQueryStringParameters"] = null;
        }
        else
        {
            var single = new JsonObject();
            var multi = new JsonObject();
            foreach (var (name, values) in query)
            {
                single[name] = values[^1];
                multi[name] = new JsonArray([.. values.Select(v => (JsonNode)JsonValue.Create(v))]);
            }

            e["queryStringParameters"] = single;
            e["multiValueQueryStringParameters"] = multi;
        }

        e["pathParameters"] = new JsonObject { ["proxy"] = request.Path.TrimStart('/') };
        var context = e["requestContext"]!.AsObject();
        context["httpMethod"] = request.Method;
        context["path"] = "/prod" + request.Path;
        context["resourcePath"] = "/{proxy+}";
        context["stage"] = "prod";
        if (request.SourceAddress is { } v1Address)
        {
            context["identity"]!["sourceIp"] = v1Address;
        }

        context["requestId"] = Guid.NewGuid().ToString();
        e["body"] = request.Body;
        e["isBase64Encoded"] = request.IsBase64Encoded;
        return Bytes(e);
    }

    /// <summary>
    /// An SQS FIFO event from the Lambda developer guide's sample record, one record per message. A body
    /// that is a wire envelope gets the <c>eventType</c> message attribute naming its type, as SNS raw
    /// delivery passes the publisher's attribute on; any other body (an SNS notification, garbage) gets none.
    /// </summary>
    public static byte[] SqsFifo(params (string MessageId, string GroupId, string Body)[] messages)
    {
        var e = Load("sqs-fifo-event.json");
        var template = e["Records"]![0]!;
        var records = new JsonArray();
        var sequence = 18849496460467696128m;
        foreach (var (messageId, groupId, body) in messages)
        {
            var record = template.DeepClone();
            record["messageId"] = messageId;
            record["body"] = body;
            record["attributes"]!["MessageGroupId"] = groupId;
            record["attributes"]!["MessageDeduplicationId"] = messageId;
            record["attributes"]!["SequenceNumber"] = (sequence++).ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (EnvelopeType(body) is { } type)
            {
                record["messageAttributes"] = EventTypeAttribute(type);
            }

            records.Add(record);
        }

        e["Records"] = records;
        return Bytes(e);
    }

    /// <summary>
    /// An SNS FIFO notification (as an SQS subscriber without raw delivery gets it) carrying
    /// <paramref name="message"/>; when that is a wire envelope, with the <c>eventType</c> attribute in
    /// the notification's <c>MessageAttributes</c> (SNS's <c>{"Type","Value"}</c> form).
    /// </summary>
    public static string SnsEnvelope(string message)
    {
        var sample = Load("sqs-sns-envelope-fifo-event-2.json")["Records"]![0]!["body"]!.GetValue<string>();
        var notification = JsonNode.Parse(sample)!;
        notification["MessageId"] = Guid.NewGuid().ToString();
        notification["Message"] = message;
        if (EnvelopeType(message) is { } type)
        {
            notification["MessageAttributes"] = new JsonObject
            {
                ["eventType"] = new JsonObject { ["Type"] = "String", ["Value"] = type },
            };
        }

        return notification.ToJsonString();
    }

    /// <summary>The <c>messageAttributes</c> of a record whose publisher set <c>eventType</c>, in Lambda's lower-case form.</summary>
    public static JsonObject EventTypeAttribute(string type) => new()
    {
        ["eventType"] = new JsonObject
        {
            ["stringValue"] = type,
            ["stringListValues"] = new JsonArray(),
            ["binaryListValues"] = new JsonArray(),
            ["dataType"] = "String",
        },
    };

    /// <summary>The <c>type</c> of a wire envelope, or null for any other text.</summary>
    public static string? EnvelopeType(string body)
    {
        try
        {
            return JsonNode.Parse(body) is JsonObject envelope && envelope["type"] is JsonValue type && type.TryGetValue<string>(out var name) ? name : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static List<(string Name, List<string> Values)> ParseQuery(string? query)
    {
        var result = new List<(string Name, List<string> Values)>();
        foreach (var pair in (query ?? string.Empty).Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = pair.Split('=', 2);
            var name = Uri.UnescapeDataString(parts[0].Replace('+', ' '));
            var value = parts.Length > 1 ? Uri.UnescapeDataString(parts[1].Replace('+', ' ')) : string.Empty;
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
}
