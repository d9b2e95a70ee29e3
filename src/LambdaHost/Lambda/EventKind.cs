using System.Text.Json;
using CleanCqrs.LambdaHost.Lambda.Events;

namespace CleanCqrs.LambdaHost.Lambda;

public enum EventKind
{
    Unknown,
    HttpApi,
    RestApi,
    Sqs,
    Scheduled,
}

/// <summary>Recognises an event by a few top-level members, without reading the rest of it.</summary>
public static class EventClassifier
{
    public static EventKind Classify(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return EventKind.Unknown;
        }

        if (IsString(root, "version", "2.0")
            && root.TryGetProperty("requestContext", out var context2) && context2.ValueKind == JsonValueKind.Object
            && context2.TryGetProperty("http", out var http) && http.ValueKind == JsonValueKind.Object)
        {
            return EventKind.HttpApi;
        }

        if (root.TryGetProperty("httpMethod", out var method) && method.ValueKind == JsonValueKind.String
            && root.TryGetProperty("requestContext", out var context1) && context1.ValueKind == JsonValueKind.Object)
        {
            return EventKind.RestApi;
        }

        if (root.TryGetProperty("Records", out var records) && records.ValueKind == JsonValueKind.Array
            && records.GetArrayLength() > 0
            && records.EnumerateArray().All(r => r.ValueKind == JsonValueKind.Object && IsString(r, "eventSource", "aws:sqs")))
        {
            return EventKind.Sqs;
        }

        if (IsString(root, "source", ScheduledEvent.EventBridgeSource) && IsString(root, "detail-type", ScheduledEvent.ScheduledDetailType))
        {
            return EventKind.Scheduled;
        }

        return EventKind.Unknown;
    }

    private static bool IsString(JsonElement element, string name, string expected) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.ValueEquals(expected);
}
