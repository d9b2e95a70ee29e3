using System.Text.Json;
using System.Text.Json.Serialization;

namespace CleanCqrs.LambdaHost.Lambda.Events;

/// <summary>An EventBridge (CloudWatch Events) schedule rule firing: <c>source</c> <c>aws.events</c>, <c>detail-type</c> <c>Scheduled Event</c>.</summary>
public sealed record ScheduledEvent
{
    public const string EventBridgeSource = "aws.events";
    public const string ScheduledDetailType = "Scheduled Event";

    public string? Version { get; init; }

    public string? Id { get; init; }

    [JsonPropertyName("detail-type")]
    public string? DetailType { get; init; }

    public string? Source { get; init; }

    public string? Account { get; init; }

    public string? Time { get; init; }

    public string? Region { get; init; }

    public List<string>? Resources { get; init; }

    public JsonElement? Detail { get; init; }
}
