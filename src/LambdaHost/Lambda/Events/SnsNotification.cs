using System.Text.Json.Serialization;

namespace CleanCqrs.LambdaHost.Lambda.Events;

/// <summary>
/// The SNS notification envelope, as an SQS subscriber without raw message delivery receives it in
/// the message body. <see cref="Message"/> is the published message (here the wire envelope).
/// </summary>
public sealed record SnsNotification
{
    public const string NotificationType = "Notification";

    [JsonPropertyName("Type")]
    public string? Type { get; init; }

    [JsonPropertyName("MessageId")]
    public string? MessageId { get; init; }

    [JsonPropertyName("SequenceNumber")]
    public string? SequenceNumber { get; init; }

    [JsonPropertyName("TopicArn")]
    public string? TopicArn { get; init; }

    [JsonPropertyName("Subject")]
    public string? Subject { get; init; }

    [JsonPropertyName("Message")]
    public string? Message { get; init; }

    [JsonPropertyName("Timestamp")]
    public string? Timestamp { get; init; }

    [JsonPropertyName("SignatureVersion")]
    public string? SignatureVersion { get; init; }

    [JsonPropertyName("Signature")]
    public string? Signature { get; init; }

    [JsonPropertyName("SigningCertURL")]
    public string? SigningCertUrl { get; init; }

    [JsonPropertyName("UnsubscribeURL")]
    public string? UnsubscribeUrl { get; init; }

    [JsonPropertyName("MessageAttributes")]
    public Dictionary<string, SnsMessageAttribute>? MessageAttributes { get; init; }
}

public sealed record SnsMessageAttribute
{
    [JsonPropertyName("Type")]
    public string? Type { get; init; }

    [JsonPropertyName("Value")]
    public string? Value { get; init; }
}
