using System.Text.Json.Serialization;

namespace CleanCqrs.LambdaHost.Lambda.Events;

/// <summary>A batch of SQS messages as Lambda's event source mapping delivers it.</summary>
public sealed record SqsEvent
{
    [JsonPropertyName("Records")]
    public List<SqsMessage>? Records { get; init; }
}

public sealed record SqsMessage
{
    public string? MessageId { get; init; }

    public string? ReceiptHandle { get; init; }

    public string? Body { get; init; }

    public SqsMessageSystemAttributes? Attributes { get; init; }

    public Dictionary<string, SqsMessageAttribute>? MessageAttributes { get; init; }

    public string? Md5OfBody { get; init; }

    public string? EventSource { get; init; }

    [JsonPropertyName("eventSourceARN")]
    public string? EventSourceArn { get; init; }

    public string? AwsRegion { get; init; }
}

/// <summary>SQS system attributes; every value is a string on the wire, numbers included.</summary>
public sealed record SqsMessageSystemAttributes
{
    [JsonPropertyName("ApproximateReceiveCount")]
    public string? ApproximateReceiveCount { get; init; }

    [JsonPropertyName("SentTimestamp")]
    public string? SentTimestamp { get; init; }

    [JsonPropertyName("SenderId")]
    public string? SenderId { get; init; }

    [JsonPropertyName("ApproximateFirstReceiveTimestamp")]
    public string? ApproximateFirstReceiveTimestamp { get; init; }

    [JsonPropertyName("SequenceNumber")]
    public string? SequenceNumber { get; init; }

    [JsonPropertyName("MessageGroupId")]
    public string? MessageGroupId { get; init; }

    [JsonPropertyName("MessageDeduplicationId")]
    public string? MessageDeduplicationId { get; init; }

    [JsonPropertyName("AWSTraceHeader")]
    public string? AwsTraceHeader { get; init; }
}

public sealed record SqsMessageAttribute
{
    public string? StringValue { get; init; }

    public string? BinaryValue { get; init; }

    public List<string>? StringListValues { get; init; }

    public List<string>? BinaryListValues { get; init; }

    public string? DataType { get; init; }
}

/// <summary>
/// The partial batch response (<c>ReportBatchItemFailures</c>): the messages to deliver again.
/// An empty list means the whole batch succeeded.
/// </summary>
public sealed record SqsBatchResponse(List<SqsBatchItemFailure> BatchItemFailures);

public sealed record SqsBatchItemFailure(string ItemIdentifier);
